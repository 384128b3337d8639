package io.temporalcdc.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisKeysTest {

    @Test
    void shouldBuildWorkflowMetadataKeysWithTheSeedsTtl() {
        assertThat(RedisKeys.workflowMeta("ns-1", "order-42")).isEqualTo("wf_meta:ns-1:order-42");
        assertThat(RedisKeys.WF_META_TTL).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void shouldBuildTaskQueueKeysWithTheSeedsTtl() {
        assertThat(RedisKeys.taskQueueInfo("ns-1", "orders", 1)).isEqualTo("tq_info:ns-1:orders:1");
        assertThat(RedisKeys.TQ_INFO_TTL).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void shouldKeepTheWebUisSessionPattern() {
        assertThat(RedisKeys.SESSION_PREFIX).isEqualTo("session:");
        assertThat(RedisKeys.session("abc")).isEqualTo("session:abc");
        assertThat(RedisKeys.SESSION_TTL).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void shouldStripCharPaddingSoKeysMatchHowPostgresComparesThem() {
        String padded = String.format("%-64s", "ns-1");
        assertThat(RedisKeys.workflowMeta(padded, "wf")).isEqualTo(RedisKeys.workflowMeta("ns-1", "wf"));
        assertThat(RedisKeys.taskQueueInfo(padded, "q", 2)).isEqualTo("tq_info:ns-1:q:2");
    }

    @Test
    void shouldPutTheFenceInTheKeysClusterSlotWithLiteralBraces() {
        assertThat(RedisKeys.fence("wf_meta:ns-1:order-42")).isEqualTo("{wf_meta:ns-1:order-42}:fence");
    }

    @Test
    void shouldInvalidateWorkflowAndTaskQueueKeysButNeverTheWebUisSessions() {
        assertThat(RedisKeys.isInvalidated(RedisKeys.workflowMeta("ns", "wf"))).isTrue();
        assertThat(RedisKeys.isInvalidated(RedisKeys.taskQueueInfo("ns", "q", 1)))
                .isTrue();
        assertThat(RedisKeys.isInvalidated(RedisKeys.session("abc"))).isFalse();
        assertThat(RedisKeys.isInvalidated("other:1")).isFalse();
    }

    @Test
    void shouldKeepColonsInsideTheLastPart() {
        assertThat(RedisKeys.workflowMeta("ns", "a:b")).isEqualTo("wf_meta:ns:a:b");
    }

    @Test
    void shouldRejectMissingParts() {
        assertThatThrownBy(() -> RedisKeys.workflowMeta(null, "wf"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("namespaceId");
    }

    @Test
    void shouldTellTheFamilyTtlOfAKey() {
        assertThat(RedisKeys.ttlOf(RedisKeys.workflowMeta("ns", "wf"))).contains(RedisKeys.WF_META_TTL);
        assertThat(RedisKeys.ttlOf(RedisKeys.taskQueueInfo("ns", "q", 1))).contains(RedisKeys.TQ_INFO_TTL);
        assertThat(RedisKeys.ttlOf(RedisKeys.session("s"))).contains(RedisKeys.SESSION_TTL);
        assertThat(RedisKeys.ttlOf("other:key")).isEmpty();
    }
}
