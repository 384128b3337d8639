package io.temporalcdc.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a demo run opened, closed once in reverse order (from the end of the run or the SIGTERM hook). Something opened
 * after the close began is closed at once, and the run told to stop.
 */
final class Closer {
    private static final Logger LOG = LoggerFactory.getLogger(Closer.class);

    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<AutoCloseable> opened = new ArrayList<>();

    /**
     * @return {@code closeable}, registered to be closed first (before everything opened earlier)
     * @throws IllegalStateException when the close already began ({@code closeable} is closed then)
     */
    <T extends AutoCloseable> T open(T closeable) {
        synchronized (opened) {
            if (!closed.get()) {
                opened.add(0, closeable);
                return closeable;
            }
        }
        closeQuietly(closeable);
        throw new IllegalStateException("stopped");
    }

    /** @return whether the close began */
    boolean isClosed() {
        return closed.get();
    }

    /** Closes everything opened, the last first; a second call does nothing. */
    void closeAll() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<AutoCloseable> all;
        synchronized (opened) {
            all = new ArrayList<>(opened);
            opened.clear();
        }
        all.forEach(Closer::closeQuietly);
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("Stopping {} failed: {}", closeable, e.toString());
        }
    }
}
