package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Process helpers: run a command to completion, read a process's command line, stop a pid. */
final class Procs {

    private static final Logger LOG = LoggerFactory.getLogger(Procs.class);

    private Procs() {}

    /** Whether this JVM runs as root (effective uid 0). */
    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * Runs a command to completion, its output appended to {@code log}.
     *
     * @throws StackException if it fails, times out or exits non-zero (the message names the log)
     */
    static void run(String what, List<String> command, Map<String, String> env, Path log, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new StackException(what + " did not finish within " + timeout.toSeconds() + " s; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new StackException(what + " failed with exit code " + process.exitValue() + "; see " + log + "\n"
                        + String.join("\n", tail(log, 15)));
            }
        } catch (IOException e) {
            throw new StackException(what + " could not be started: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException(what + " was interrupted", e);
        }
    }

    /** Runs a command and returns its standard output (trimmed); empty when it fails. */
    static Optional<String> output(List<String> command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The command line of a running process (arguments joined by spaces), empty if it is gone. */
    static Optional<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String line =
                    new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
            return line.isEmpty() ? Optional.empty() : Optional.of(line);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops a process: SIGTERM, then SIGKILL if it has not exited within {@code timeout}.
     *
     * @return true when the process is gone
     */
    static boolean stop(String what, long pid, Duration timeout) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return true;
        }
        handle.get().destroy();
        if (waitGone(handle.get(), timeout)) {
            return true;
        }
        LOG.warn("{} (pid {}) did not stop within {} s after SIGTERM; sending SIGKILL", what, pid, timeout.toSeconds());
        handle.get().destroyForcibly();
        return waitGone(handle.get(), Duration.ofSeconds(10));
    }

    /** Waits until the process has exited (or is a zombie of someone else's). */
    static boolean waitGone(ProcessHandle handle, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!handle.isAlive() || commandLine(handle.pid()).isEmpty()) {
                return true;
            }
            pause(100);
        }
        return !handle.isAlive();
    }

    /** The last {@code n} lines of a text file (empty if it cannot be read). */
    static List<String> tail(Path file, int n) {
        try {
            List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            return new ArrayList<>(lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return new ArrayList<>();
        }
    }

    /** Sleeps in a polling loop; restores the interrupt flag and fails when interrupted. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting", e);
        }
    }
}
