package dev.clbguard.guardian;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * When each owner uid was first seen absent. A uid counts as gone only when it was absent at two observations at
 * least the grace period apart: a Service created a moment ago, which TKE tagged before our informer saw it, is
 * never taken for a dead owner. Memory only: after a restart every uid must be seen absent twice again, which
 * only ever delays a repair. Times are passed in (milliseconds), never read here.
 */
public final class Sightings {

    private final Map<String, Long> firstAbsent = new HashMap<>();

    /** Records an observation of {@code uid} as absent; true when it has now been absent for at least {@code grace}. */
    public synchronized boolean absent(String uid, long nowMillis, Duration grace) {
        long first = firstAbsent.computeIfAbsent(uid, u -> nowMillis);
        return nowMillis - first >= grace.toMillis();
    }

    /** The uid is alive: any earlier absence is forgotten. */
    public synchronized void present(String uid) {
        firstAbsent.remove(uid);
    }

    /** Forgets uids no CLB names any more, so memory follows the cloud. */
    public synchronized void retain(Set<String> observed) {
        firstAbsent.keySet().retainAll(observed);
    }

    public synchronized int size() {
        return firstAbsent.size();
    }
}
