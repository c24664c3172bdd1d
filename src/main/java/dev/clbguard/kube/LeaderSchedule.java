package dev.clbguard.kube;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A pass that runs every {@code every} while this replica leads, at once when it becomes the leader, and stops
 * (interrupted) when it loses the lease: the background audit and the guardian run this way, on a daemon thread
 * of their own.
 */
public final class LeaderSchedule {

    private final ScheduledExecutorService executor;
    private final Duration every;
    private final Runnable pass;
    private ScheduledFuture<?> task;

    private LeaderSchedule(String threadName, Duration every, Runnable pass) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        this.every = every;
        this.pass = pass;
    }

    public static LeaderSchedule start(Leadership leadership, String threadName, Duration every, Runnable pass) {
        LeaderSchedule s = new LeaderSchedule(threadName, every, pass);
        leadership.join(s::leading);
        return s;
    }

    private synchronized void leading(boolean leading) {
        if (leading && task == null) {
            task = executor.scheduleWithFixedDelay(pass, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        } else if (!leading && task != null) {
            task.cancel(true);
            task = null;
        }
    }

    public void stop() {
        executor.shutdownNow();
    }
}
