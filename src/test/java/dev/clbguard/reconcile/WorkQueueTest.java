package dev.clbguard.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class WorkQueueTest {

    static final Duration SHORT = Duration.ofMillis(50);

    @Test
    void aKeyIsQueuedOnce() throws Exception {
        WorkQueue<String> q = new WorkQueue<>(Duration.ofMillis(10), Duration.ofSeconds(1));
        q.add("a");
        q.add("a");
        q.add("b");
        assertEquals(2, q.depth());
        assertEquals("a", q.take(SHORT));
        assertEquals("b", q.take(SHORT));
        assertNull(q.take(SHORT));
    }

    @Test
    void aKeyAddedWhileProcessedComesBackAfterDone() throws Exception {
        WorkQueue<String> q = new WorkQueue<>(Duration.ofMillis(10), Duration.ofSeconds(1));
        q.add("a");
        assertEquals("a", q.take(SHORT));
        q.add("a");
        assertNull(q.take(SHORT), "never handed to two workers at once");
        q.done("a");
        assertEquals("a", q.take(SHORT));
    }

    @Test
    void delayedKeysWaitAndAnEarlierAddWins() throws Exception {
        WorkQueue<String> q = new WorkQueue<>(Duration.ofMillis(10), Duration.ofSeconds(1));
        q.addAfter("a", Duration.ofSeconds(30));
        assertNull(q.take(SHORT));
        q.add("a");
        assertEquals("a", q.take(SHORT));
        q.done("a");
        assertNull(q.take(SHORT), "the superseded delayed entry does not come back");
    }

    @Test
    void retriesBackOffExponentiallyUpToTheMaximumAndForgetResets() {
        WorkQueue<String> q = new WorkQueue<>(Duration.ofMillis(100), Duration.ofMillis(700));
        assertEquals(Duration.ofMillis(100), q.addRateLimited("a"));
        assertEquals(Duration.ofMillis(200), q.addRateLimited("a"));
        assertEquals(Duration.ofMillis(400), q.addRateLimited("a"));
        assertEquals(Duration.ofMillis(700), q.addRateLimited("a"));
        for (int i = 0; i < 70; i++) {
            assertTrue(q.addRateLimited("a").compareTo(Duration.ofMillis(700)) <= 0);
        }
        q.forget("a");
        assertEquals(Duration.ofMillis(100), q.addRateLimited("a"));
    }

    @Test
    void shutdownReleasesWaitingWorkers() throws Exception {
        WorkQueue<String> q = new WorkQueue<>(Duration.ofMillis(10), Duration.ofSeconds(1));
        Thread t = new Thread(q::shutdown);
        t.start();
        assertNull(q.take(Duration.ofSeconds(5)));
        t.join();
    }
}
