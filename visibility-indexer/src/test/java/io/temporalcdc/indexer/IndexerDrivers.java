package io.temporalcdc.indexer;

import io.micrometer.core.instrument.MeterRegistry;
import io.temporalcdc.runtime.streams.StreamsErrorHandling;
import io.temporalcdc.schemas.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** A {@link TopologyTestDriver} over an indexer topology with the production exception handlers (the dead letters). */
final class IndexerDrivers {
    private IndexerDrivers() {}

    static TopologyTestDriver of(Topology topology, String prefix, String applicationId, MeterRegistry registry) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        Map<String, Object> handlers = new HashMap<>();
        StreamsErrorHandling.configure(
                handlers,
                Topics.visibilityIndexerDlq(prefix),
                List.of(Topics.visibilityDocuments(prefix)),
                IndexerMetrics.of(registry).deadLetters(),
                IndexerMetrics.of(registry).productionErrors());
        props.putAll(handlers);
        return new TopologyTestDriver(topology, props);
    }
}
