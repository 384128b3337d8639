package io.temporalcdc.demo;

import java.time.Duration;

/**
 * What one demo run does.
 *
 * @param duration how long the generator writes
 * @param workflowsPerSecond the generator's rate
 * @param keepRunning stay up after the comparison until SIGTERM / Ctrl-C
 * @param drainTimeout how long to wait for the pipeline to catch up after the generator stopped
 * @param avro whether cdc-source writes Avro (schemas in the stack's registry) rather than JSON
 */
record DemoSettings(
        Duration duration, double workflowsPerSecond, boolean keepRunning, Duration drainTimeout, boolean avro) {

    /** The default drain time-out: long enough for a 2-core machine to index a minute's workload. */
    static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(120);
}
