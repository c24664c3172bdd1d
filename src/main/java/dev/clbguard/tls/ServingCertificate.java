package dev.clbguard.tls;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Exports when the serving certificate stops working, read from what the TLS registry actually loaded (so a
 * renewal is seen as soon as the registry reloads it, see quarkus.tls.reload-period). A chain expires with its
 * earliest certificate, so that is the one reported. Without a configured key store (dev, test) there is none.
 */
@Startup
@ApplicationScoped
public class ServingCertificate {

    private static final Logger LOG = Logger.getLogger(ServingCertificate.class);
    /** The name of the TLS registry's unnamed configuration, which the HTTP server uses. */
    static final String DEFAULT = "<default>";

    @Inject
    TlsConfigurationRegistry registry;
    @Inject
    MeterRegistry meters;

    private volatile Instant notAfter;
    private volatile String subject;

    @PostConstruct
    void init() {
        registry.getDefault().ifPresent(this::read);
        Gauge.builder("clbguard.tls.certificate.not.after", this, s -> s.notAfter == null ? Double.NaN : s.notAfter.getEpochSecond())
                .description("Expiry (Unix time) of the serving certificate chain as currently loaded")
                .baseUnit("seconds").register(meters);
        Gauge.builder("clbguard.tls.certificate.expiry", this,
                s -> s.notAfter == null ? Double.NaN : s.notAfter.getEpochSecond() - Instant.now().getEpochSecond())
                .description("Seconds until the serving certificate chain expires (negative once expired)")
                .baseUnit("seconds").register(meters);
    }

    void onReload(@Observes CertificateUpdatedEvent event) {
        if (DEFAULT.equals(event.name())) {
            read(event.tlsConfiguration());
        }
    }

    /** Expiry of the loaded chain, if a key store is configured. */
    public Optional<Instant> notAfter() {
        return Optional.ofNullable(notAfter);
    }

    private void read(TlsConfiguration config) {
        KeyStore store = config.getKeyStore();
        if (store == null) {
            return;
        }
        Instant earliest = null;
        String who = null;
        try {
            for (String alias : Collections.list(store.aliases())) {
                Certificate[] chain = store.getCertificateChain(alias);
                for (Certificate c : chain == null ? new Certificate[0] : chain) {
                    if (c instanceof X509Certificate x && (earliest == null || x.getNotAfter().toInstant().isBefore(earliest))) {
                        earliest = x.getNotAfter().toInstant();
                        who = x.getSubjectX500Principal().getName();
                    }
                }
            }
        } catch (KeyStoreException e) {
            LOG.warnf("cannot read the serving certificate's expiry: %s", e.getMessage());
            return;
        }
        if (earliest != null && !earliest.equals(notAfter)) {
            LOG.infof("serving certificate %s valid until %s", who, earliest);
        }
        notAfter = earliest;
        subject = who;
    }

    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }
}
