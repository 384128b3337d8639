package io.temporalcdc.demo;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live progress on stderr: a progress bar over the generator's run time on a terminal, a status
 * line every five seconds in the log otherwise. Never writes to stdout.
 */
final class ProgressDisplay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressDisplay.class);
    private static final long LOG_EVERY_SECONDS = 5;

    private final long seconds;
    private final ProgressBar bar;
    private long lastLogged = -LOG_EVERY_SECONDS;

    ProgressDisplay(long seconds) {
        this.seconds = Math.max(1, seconds);
        this.bar = System.console() == null
                ? null
                : new ProgressBarBuilder()
                        .setTaskName("workload")
                        .setInitialMax(this.seconds)
                        .setUnit("s", 1)
                        .setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis(1000)
                        .build();
    }

    void update(long elapsedSeconds, ProgressSnapshot snapshot) {
        long elapsed = Math.min(seconds, elapsedSeconds);
        if (bar != null) {
            bar.stepTo(elapsed);
            bar.setExtraMessage(" " + snapshot.describe());
        } else if (elapsed - lastLogged >= LOG_EVERY_SECONDS || elapsed == seconds) {
            lastLogged = elapsed;
            LOG.info("[{}/{} s] {}", elapsed, seconds, snapshot.describe());
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
