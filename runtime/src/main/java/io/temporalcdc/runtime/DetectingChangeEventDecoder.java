package io.temporalcdc.runtime;

import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import java.util.Set;

/**
 * The decoder the apps use: JSON and Avro records alike, the format detected per record and per part (a key or value
 * starting with byte 0 is Confluent Avro; anything else is read as JSON), so a topic may change format, or hold both
 * while a source is switched, without the readers noticing. Without a registry, an Avro record stops the app with an
 * error naming {@code schema.registry.url} (nothing is dead-lettered for a missing setting).
 */
public final class DetectingChangeEventDecoder implements ChangeEventDecoder {
    private final JsonChangeEventDecoder json;
    private final AvroChangeEventDecoder avro;

    /**
     * @param columns the row columns to build, or null for all
     * @param registry the schema registry Avro records name their schemas in, or null when none is configured
     */
    public DetectingChangeEventDecoder(Set<String> columns, SchemaRegistryClient registry) {
        this.json = columns == null ? new JsonChangeEventDecoder() : new JsonChangeEventDecoder(columns);
        this.avro = registry == null ? null : new AvroChangeEventDecoder(registry, columns);
    }

    @Override
    public ChangeEvent decode(String topic, byte[] key, byte[] value) {
        return DebeziumEnvelope.decode(topic, key, value, this::part);
    }

    private DecodedPart part(String topic, String part, byte[] bytes) {
        if (!AvroChangeEventDecoder.isAvro(bytes)) {
            return json.part(topic, part, bytes);
        }
        if (avro == null) {
            // a configuration gap, not a bad record: dead-lettering would pass over every change of the topic
            throw new IllegalStateException(topic + ": " + part + " is Avro (Confluent wire format, schema id "
                    + java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt()
                    + ") but no schema registry is configured: set schema.registry.url");
        }
        return avro.part(topic, part, bytes);
    }
}
