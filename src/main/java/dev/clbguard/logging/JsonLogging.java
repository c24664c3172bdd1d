package dev.clbguard.logging;

import java.util.logging.Handler;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * clbguard.log.json=true switches the console to {@link JsonLogFormatter} as the application starts (Quarkus
 * offers no formatter setting without quarkus-logging-json): the lines logged before that, while Quarkus
 * boots, stay in the text format.
 */
@ApplicationScoped
public class JsonLogging {

    @ConfigProperty(name = "clbguard.log.json", defaultValue = "false")
    boolean json;

    void onStart(@Observes @Priority(1) StartupEvent event) {
        if (json) {
            install(LogContext.getLogContext().getLogger("").getHandlers());
        }
    }

    /** Sets the JSON formatter on every console handler, looking inside Quarkus' wrapping handlers. */
    static int install(Handler[] handlers) {
        int done = 0;
        for (Handler h : handlers) {
            if (h instanceof ConsoleHandler console) {
                console.setFormatter(new JsonLogFormatter());
                done++;
            } else if (h instanceof ExtHandler wrapper) {
                done += install(wrapper.getHandlers());
            }
        }
        return done;
    }
}
