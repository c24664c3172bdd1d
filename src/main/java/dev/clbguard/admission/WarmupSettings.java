package dev.clbguard.admission;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "clbguard.warmup")
public interface WarmupSettings {

    /** Sample admissions judged before the pod reports ready; 0 turns the warm-up off. */
    @WithDefault("2000")
    int rehearsals();

    /** The warm-up stops after this long even if rehearsals remain: readiness is never held back longer. */
    @WithDefault("10s")
    Duration maxTime();
}
