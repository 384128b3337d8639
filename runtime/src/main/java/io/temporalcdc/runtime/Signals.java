package io.temporalcdc.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into an orderly stop (close, then exit 0) instead of the JVM's default
 * (shutdown hooks, exit 143). Where the signal API is unavailable, a shutdown hook does the same
 * request but the exit code is the JVM's.
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    @SuppressWarnings("removal")
    static void onTermination(Runnable requestStop) {
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> requestStop.run());
            }
        } catch (IllegalArgumentException | LinkageError e) {
            LOG.warn("Signal handlers unavailable ({}); relying on a shutdown hook", e.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(requestStop, "stop-on-shutdown"));
        }
    }
}
