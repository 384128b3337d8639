package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ProducerPropsTest {

    @Test
    void shouldCompressAndAcceptLargeRowsByDefault() {
        Map<String, Object> props = CdcSourceApp.producerProps(new CdcSourceConfig(CdcSourceConfigTest.minimal()));

        assertThat(props)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")
                .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024)
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
    }

    @Test
    void shouldLetOperatorsOverrideSizeButNeverTheDeliveryGuarantee() {
        Map<String, String> settings = CdcSourceConfigTest.minimal();
        settings.put("producer.max.request.size", "2097152");
        settings.put("producer.acks", "1");

        Map<String, Object> props = CdcSourceApp.producerProps(new CdcSourceConfig(settings));

        assertThat(props)
                .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2097152")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
    }
}
