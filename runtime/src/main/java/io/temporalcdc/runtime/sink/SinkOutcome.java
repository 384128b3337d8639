package io.temporalcdc.runtime.sink;

/** What a {@link SinkWriter} made of one record of a batch. */
public sealed interface SinkOutcome {
    /** The external system acknowledged the record (applied, or already newer: nothing left to do). */
    SinkOutcome DONE = new Done();

    /** Acknowledged: the record's offset may be committed. */
    record Done() implements SinkOutcome {}

    /** A transient failure (connection refused, 429, 5xx): the record is written again after a backoff. */
    record Retry(String reason) implements SinkOutcome {}

    /** The external system rejects this record for good: it goes to the dead-letter topic, the partition goes on. */
    record DeadLetter(String reason, String exceptionClass) implements SinkOutcome {}

    /**
     * A failure that rejects every write (no write index, authentication): the sink stops; offsets are committed
     * only up to the acknowledged records before this one.
     */
    record Fatal(String reason) implements SinkOutcome {}
}
