package io.temporalcdc.cli;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work measured in offsets: a progress bar (records/s, %, ETA) on a terminal, plain lines every few
 * seconds otherwise (a log, a pipe, CI).
 */
public abstract class Progress implements AutoCloseable {
    private static final long PLAIN_EVERY_NANOS = Duration.ofSeconds(2).toNanos();

    /** How the progress is shown. */
    public enum Mode {
        AUTO,
        BAR,
        PLAIN
    }

    /**
     * @param done offsets done
     * @param total offsets to do
     * @param records records written so far
     */
    public abstract void update(long done, long total, long records);

    @Override
    public abstract void close();

    /** @return the display for {@code mode} ({@code AUTO}: a bar when a console is attached) */
    public static Progress of(String task, Mode mode, PrintStream out) {
        boolean bar = mode == Mode.BAR || (mode == Mode.AUTO && System.console() != null);
        return bar ? new Bar(task, out) : new Plain(task, out);
    }

    private static final class Bar extends Progress {
        private final ProgressBar bar;
        private final long startNanos = System.nanoTime();

        Bar(String task, PrintStream out) {
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(1)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" offsets", 1)
                    .showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(out))
                    .build();
        }

        @Override
        public void update(long done, long total, long records) {
            bar.maxHint(Math.max(1, total));
            bar.stepTo(Math.min(done, Math.max(1, total)));
            double seconds = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
            bar.setExtraMessage(String.format(" %,.0f records/s", records / seconds));
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    private static final class Plain extends Progress {
        private final String task;
        private final PrintStream out;
        private final long startNanos = System.nanoTime();
        private long lastNanos = System.nanoTime();
        private long firstDone = -1;

        Plain(String task, PrintStream out) {
            this.task = task;
            this.out = out;
        }

        @Override
        public void update(long done, long total, long records) {
            long now = System.nanoTime();
            if (firstDone < 0) {
                firstDone = done;
            }
            if (now - lastNanos < PLAIN_EVERY_NANOS && done < total) {
                return;
            }
            lastNanos = now;
            out.println(line(task, done, total, records, Duration.ofNanos(now - startNanos), firstDone));
        }

        @Override
        public void close() {}
    }

    /**
     * @param doneAtStart offsets already done when the work began (the rate counts only what was done since)
     * @return one plain progress line: percentage of offsets, records/s and the ETA at the rate so far
     */
    static String line(String task, long done, long total, long records, Duration elapsed, long doneAtStart) {
        double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
        double percent = total <= 0 ? 100 : Math.min(100, 100.0 * done / total);
        double offsetsPerSecond = (done - doneAtStart) / seconds;
        String eta = done >= total
                ? "done"
                : offsetsPerSecond <= 0
                        ? "unknown"
                        : format(Duration.ofSeconds((long) ((total - done) / offsetsPerSecond)));
        return String.format(
                "%s: %.1f%% of end offsets (%,d/%,d), %,d records, %,.0f records/s, ETA %s",
                task, percent, done, total, records, records / seconds, eta);
    }

    static String format(Duration duration) {
        long s = duration.toSeconds();
        return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
