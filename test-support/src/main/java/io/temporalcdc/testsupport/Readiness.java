package io.temporalcdc.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a server until it answers, failing with a message that names the server and its log file. */
final class Readiness {

    private static final long POLL_MILLIS = 200;

    private Readiness() {}

    /** Waits until {@code ready} returns true, at most {@code timeout}. */
    static void await(Server server, Duration timeout, BooleanSupplier ready) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.getAsBoolean()) {
                return;
            }
            Procs.pause(POLL_MILLIS);
        }
        throw new StackException(server.name() + " did not become ready within " + timeout.toSeconds()
                + " s at " + server.endpoint() + "; see its log file " + server.logFile() + "\n"
                + String.join("\n", Procs.tail(server.logFile(), 20)));
    }

    /** Fails at once when a server's process died while we waited for it. */
    static void requireAlive(Server server, Process process) {
        if (!process.isAlive()) {
            throw new StackException(server.name() + " exited with code " + process.exitValue()
                    + " before it was ready; see its log file " + server.logFile() + "\n"
                    + String.join("\n", Procs.tail(server.logFile(), 20)));
        }
    }
}
