package io.temporalcdc.testsupport;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A server launch that blocks until the server runs (a daemonizing start). A close that arrives
 * meanwhile (SIGTERM while the stack starts) waits for the launch to finish, so the server it then
 * stops is not left behind without an owner.
 */
final class Launch {
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean begun;

    void begin() {
        begun = true;
    }

    void done() {
        finished.countDown();
    }

    /** Waits (at most {@code timeout}) for a launch that has begun to finish; returns at once otherwise. */
    void awaitIfStarted(Duration timeout) {
        if (!begun) {
            return;
        }
        try {
            finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
