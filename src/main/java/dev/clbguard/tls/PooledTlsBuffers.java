package dev.clbguard.tls;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import jakarta.inject.Singleton;

/**
 * The JDK TLS engine wants a whole-record buffer (~16 KiB) for every write, however small the answer, and Vert.x 4
 * takes it unpooled from the heap: every admission answer allocated and zeroed 16 KiB, the largest single cost of
 * a {@code /validate} call in profiles (docs/admission.md). Taken from Netty's pool instead, as Vert.x 5 does by
 * default. Quarkus has the same switch as a JVM system property ({@code quarkus.http.server.ssl.jdk.bufferPooling});
 * a customizer needs no flag on every launch command, JVM or native. The price is a few MiB of pooled heap.
 */
@Singleton
public class PooledTlsBuffers implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        SSLEngineOptions engine = options.getSslEngineOptions();
        if (engine == null) {
            options.setSslEngineOptions(new JdkSSLEngineOptions().setPooledHeapBuffers(true));
        } else if (engine instanceof JdkSSLEngineOptions jdk) {
            jdk.setPooledHeapBuffers(true);
        }
        // Another engine (OpenSSL) sizes its buffers to the data and pools them already.
    }
}
