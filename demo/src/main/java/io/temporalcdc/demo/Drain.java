package io.temporalcdc.demo;

import io.temporalcdc.indexer.verify.ComparisonReport;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, after the writer stopped, until the indexer's consumer lag is 0 and the comparison is clean,
 * or the time-out passes; returns the last comparison either way.
 */
final class Drain {

    private static final Logger LOG = LoggerFactory.getLogger(Drain.class);
    private static final long POLL_MILLIS = 2000;

    private Drain() {}

    static ComparisonReport untilClean(
            PipelineProbe probe, VisibilityComparator comparator, Duration timeout, Consumer<String> status)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            OptionalLong lag = probe.consumerLag();
            ComparisonReport report = comparator.compare();
            boolean drained = lag.isPresent() && lag.getAsLong() == 0;
            if ((drained && report.isClean()) || System.nanoTime() > deadline) {
                if (!report.isClean()) {
                    LOG.warn("Drain time-out of {} passed with differences remaining", timeout);
                }
                return report;
            }
            status.accept(String.format(
                    "draining: kafka lag %s, %d rows, %d documents, %d matching",
                    lag.isPresent() ? lag.getAsLong() : "?", report.rows(), report.documents(), report.matching()));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
    }
}
