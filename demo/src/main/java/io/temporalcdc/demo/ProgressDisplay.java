package io.temporalcdc.demo;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
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

    private final ProgressBar bar;

    ProgressDisplay(long seconds) {
        boolean terminal = System.console() != null;
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName("workload")
                .setInitialMax(Math.max(1, seconds))
                .setUnit("s", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(terminal ? 1000 : 5000)
                .showSpeed();
        if (!terminal) {
            builder.setConsumer(new DelegatingProgressBarConsumer(LOG::info, 160));
        }
        this.bar = builder.build();
    }

    void update(long elapsedSeconds, ProgressSnapshot snapshot) {
        bar.stepTo(Math.min(bar.getMax(), elapsedSeconds));
        bar.setExtraMessage(snapshot.describe());
    }

    @Override
    public void close() {
        bar.close();
    }
}
