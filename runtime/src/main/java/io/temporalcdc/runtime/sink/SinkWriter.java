package io.temporalcdc.runtime.sink;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Writes batches of records to an external system for an {@link AcknowledgingSink}. Several batches may be in
 * flight at once, so writes must be idempotent or versioned: their order of completion is not their order in the
 * topic.
 */
public interface SinkWriter extends AutoCloseable {
    /**
     * Starts writing {@code batch}.
     *
     * @return completes with one outcome per record, in the batch's order; completing exceptionally is a bug in the
     *     writer and stops the app
     */
    CompletableFuture<List<SinkOutcome>> write(List<ConsumerRecord<byte[], byte[]>> batch);

    @Override
    default void close() {}
}
