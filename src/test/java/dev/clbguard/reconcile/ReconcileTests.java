package dev.clbguard.reconcile;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** What the reconciler tests share: polling for an eventually-true condition and reading the recorded VIP. */
final class ReconcileTests {

    private ReconcileTests() {
    }

    static void await(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out waiting for: " + what);
    }

    /** The first VIP in status.loadBalancer.ingress, read as the reconciler itself reads it; null when none. */
    static String vip(HasMetadata obj) {
        List<String> vips = Subject.of(obj).statusVips();
        return vips.isEmpty() ? null : vips.get(0);
    }
}
