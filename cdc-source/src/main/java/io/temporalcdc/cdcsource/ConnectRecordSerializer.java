package io.temporalcdc.cdcsource;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;

/**
 * Turns a Debezium {@link SourceRecord} into the Kafka record a Kafka Connect worker would write:
 * same topic, key and value through the configured converters ({@link JsonConverter}: envelope {@code
 * {"schema":…,"payload":…}} unless {@code schemas.enable=false}; or the Avro converter), headers through {@link SimpleHeaderConverter}, the record's
 * timestamp, and the connector's partition (none for PostgreSQL: the producer partitions by key).
 * A delete's tombstone keeps its key and has a null value.
 */
public final class ConnectRecordSerializer implements AutoCloseable {

    private final Converter keyConverter;
    private final Converter valueConverter;
    private final HeaderConverter headerConverter = new SimpleHeaderConverter();

    /** A serializer over configured key and value converters (closed with it when they are closeable). */
    public ConnectRecordSerializer(Converter keyConverter, Converter valueConverter) {
        this.keyConverter = keyConverter;
        this.valueConverter = valueConverter;
        headerConverter.configure(Map.of());
    }

    /**
     * Kafka Connect's JSON ({@link JsonConverter}'s bytes, each schema's JSON written once: {@link
     * EnvelopeJsonConverter}).
     *
     * @param keySettings   key converter settings (Kafka Connect's {@code key.converter.*}, prefix stripped)
     * @param valueSettings value converter settings ({@code value.converter.*}, prefix stripped)
     */
    public static ConnectRecordSerializer json(Map<String, ?> keySettings, Map<String, ?> valueSettings) {
        final EnvelopeJsonConverter key = new EnvelopeJsonConverter();
        key.configure(withDefaults(keySettings), true);
        final EnvelopeJsonConverter value = new EnvelopeJsonConverter();
        value.configure(withDefaults(valueSettings), false);
        return new ConnectRecordSerializer(key, value);
    }

    /** The Kafka record for {@code record}. */
    public ProducerRecord<byte[], byte[]> serialize(SourceRecord record) {
        final String topic = record.topic();
        final RecordHeaders headers = headers(record);
        final byte[] key = keyConverter.fromConnectData(topic, headers, record.keySchema(), record.key());
        final byte[] value = valueConverter.fromConnectData(topic, headers, record.valueSchema(), record.value());
        return new ProducerRecord<>(topic, record.kafkaPartition(), timestamp(record), key, value, headers);
    }

    private RecordHeaders headers(SourceRecord record) {
        final RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            final byte[] raw =
                    headerConverter.fromConnectHeader(record.topic(), header.key(), header.schema(), header.value());
            headers.add(header.key(), raw);
        }
        return headers;
    }

    private static Long timestamp(SourceRecord record) {
        final Long ts = record.timestamp();
        return ts == null || ts < 0 ? null : ts;
    }

    private static Map<String, Object> withDefaults(Map<String, ?> settings) {
        final Map<String, Object> config = new HashMap<>();
        config.put("schemas.enable", "true");
        config.putAll(settings);
        return config;
    }

    @Override
    public void close() {
        try {
            for (Object closeable : new Object[] {keyConverter, valueConverter, headerConverter}) {
                if (closeable instanceof AutoCloseable c) {
                    c.close();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("closing the converters failed", e);
        }
    }
}
