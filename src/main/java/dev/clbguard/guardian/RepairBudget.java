package dev.clbguard.guardian;

import java.util.ArrayDeque;
import java.util.Deque;

/** At most {@code perMinute} cloud writes in any sliding minute; times are passed in. */
public final class RepairBudget {

    private final int perMinute;
    private final Deque<Long> spent = new ArrayDeque<>();

    public RepairBudget(int perMinute) {
        this.perMinute = perMinute;
    }

    public synchronized boolean tryAcquire(long nowMillis) {
        while (!spent.isEmpty() && nowMillis - spent.peekFirst() >= 60_000) {
            spent.removeFirst();
        }
        if (spent.size() >= perMinute) {
            return false;
        }
        spent.addLast(nowMillis);
        return true;
    }
}
