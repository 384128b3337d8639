package io.temporalcdc.demo;

import static org.awaitility.Awaitility.await;

import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.runtime.DetectingChangeEventDecoder;
import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import io.temporalcdc.testsupport.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** A pipeline's visibility change topic read from the start with the apps' decoder, Avro or JSON as cdc-source wrote. */
final class VisibilityChanges {

    private VisibilityChanges() {}

    /** The change events (tombstones left out) read until {@code done} holds for them, at most {@code atMost}. */
    static List<ChangeEvent> readUntil(PipelineSettings settings, Duration atMost, Predicate<List<ChangeEvent>> done) {
        DetectingChangeEventDecoder decoder = new DetectingChangeEventDecoder(
                null, settings.avro() ? SchemaRegistryClient.of(settings.schemaRegistryUrl(), null) : null);
        List<ChangeEvent> changes = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, Names.unique("visibility-reader"),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(settings.visibilityTopic()));
            await().atMost(atMost).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        changes.add(decoder.decode(record.topic(), record.key(), record.value()));
                    }
                }
                return done.test(changes);
            });
        }
        return changes;
    }
}
