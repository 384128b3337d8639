package io.temporalcdc.runtime;

/**
 * Turns a Kafka record of a Debezium change topic into a {@link ChangeEvent}. One interface for
 * every wire format (JSON now, Avro later) so readers do not care which one the source writes.
 */
public interface ChangeEventDecoder {
    /**
     * Decodes one record; a null {@code value} is a tombstone.
     *
     * @throws DecodingException when the record is not a readable change event
     */
    ChangeEvent decode(String topic, byte[] key, byte[] value);
}
