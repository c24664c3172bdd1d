package dev.clbguard.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;

/** The HTTPS server's JDK engine takes its record buffers from the pool; other engines and the plain server are left alone. */
class PooledTlsBuffersTest {

    private final PooledTlsBuffers customizer = new PooledTlsBuffers();

    @Test
    void unsetEngineBecomesThePooledJdkEngine() {
        HttpServerOptions options = new HttpServerOptions();
        customizer.customizeHttpsServer(options);
        assertTrue(assertInstanceOf(JdkSSLEngineOptions.class, options.getSslEngineOptions()).isPooledHeapBuffers());
    }

    @Test
    void configuredJdkEngineKeepsItsOtherSettings() {
        JdkSSLEngineOptions jdk = new JdkSSLEngineOptions();
        jdk.setUseWorkerThread(true);
        HttpServerOptions options = new HttpServerOptions().setSslEngineOptions(jdk);
        customizer.customizeHttpsServer(options);
        JdkSSLEngineOptions after = assertInstanceOf(JdkSSLEngineOptions.class, options.getSslEngineOptions());
        assertTrue(after.isPooledHeapBuffers());
        assertTrue(after.getUseWorkerThread());
    }

    @Test
    void openSslEngineIsLeftAsItIs() {
        OpenSSLEngineOptions openSsl = new OpenSSLEngineOptions();
        HttpServerOptions options = new HttpServerOptions().setSslEngineOptions(openSsl);
        customizer.customizeHttpsServer(options);
        assertSame(openSsl, options.getSslEngineOptions());
    }

    @Test
    void plainHttpServerIsNotTouched() {
        HttpServerOptions options = new HttpServerOptions();
        customizer.customizeHttpServer(options);
        assertFalse(options.getSslEngineOptions() instanceof JdkSSLEngineOptions jdk && jdk.isPooledHeapBuffers());
    }
}
