package io.temporalcdc.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link LocalStack} is started.
 *
 * @param baseDir the directory holding the stack's run dirs ({@code <baseDir>/<timestamp>-<pid>});
 *     leftovers of crashed runs under it are cleaned up at start
 * @param startTimeout how long each server may take to become ready
 * @param keepRunDirs how many old run dirs (with their logs) to keep under {@code baseDir}
 */
public record StackOptions(Path baseDir, Duration startTimeout, int keepRunDirs) {

    /** System property overriding the base dir of {@link #defaults()}. */
    public static final String BASE_DIR_PROPERTY = "tcdc.stack.dir";

    /** Validates and normalizes. */
    public StackOptions {
        baseDir = Objects.requireNonNull(baseDir, "baseDir").toAbsolutePath().normalize();
        Objects.requireNonNull(startTimeout, "startTimeout");
        if (keepRunDirs < 0) {
            throw new IllegalArgumentException("keepRunDirs must be >= 0");
        }
    }

    /**
     * Base dir {@code target/local-stack} of the working directory (system property
     * {@value #BASE_DIR_PROPERTY} overrides), 180 s start time-out, the newest 3 run dirs kept.
     */
    public static StackOptions defaults() {
        String base = System.getProperty(BASE_DIR_PROPERTY);
        Path baseDir = base != null ? Path.of(base) : Path.of("target", "local-stack");
        return new StackOptions(baseDir, Duration.ofSeconds(180), 3);
    }

    /** The same options with another base dir. */
    public StackOptions withBaseDir(Path dir) {
        return new StackOptions(dir, startTimeout, keepRunDirs);
    }

    /** The same options with another start time-out. */
    public StackOptions withStartTimeout(Duration timeout) {
        return new StackOptions(baseDir, timeout, keepRunDirs);
    }

    /** The same options keeping another number of old run dirs. */
    public StackOptions withKeepRunDirs(int keep) {
        return new StackOptions(baseDir, startTimeout, keep);
    }
}
