package io.temporalcdc.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TaskQueueIdsTest {

    @Test
    void shouldLayOutNamespaceNameAndTypeAsTemporalDoesWithA64ByteNamespace() {
        byte[] id = TaskQueueIds.encode("ns-orders  ", "orders-queue", TaskQueueIds.ACTIVITY);

        assertThat(id).hasSize(64 + "orders-queue".length() + 1);
        assertThat(new String(Arrays.copyOf(id, 64), StandardCharsets.UTF_8))
                .startsWith("ns-orders ")
                .hasSize(64);
        assertThat(id[id.length - 1]).isEqualTo((byte) 2);
        assertThat(TaskQueueIds.decode(id)).isEqualTo(new TaskQueueIds.TaskQueueId("ns-orders", "orders-queue", 2));
    }

    @Test
    void shouldReadNamesWithAnyUtf8() {
        byte[] id = TaskQueueIds.encode("ns", "café-ā/queue:1", TaskQueueIds.WORKFLOW);

        assertThat(TaskQueueIds.decode(id).name()).isEqualTo("café-ā/queue:1");
    }

    @Test
    void shouldRefuseIdsItCannotRead() {
        assertThatThrownBy(() -> TaskQueueIds.decode("ns/queue".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("at least 65 expected");
        byte[] subqueue = TaskQueueIds.encode("ns", "q", TaskQueueIds.WORKFLOW);
        subqueue[subqueue.length - 1] = (byte) 0x81;
        assertThatThrownBy(() -> TaskQueueIds.decode(subqueue)).hasMessageContaining("sub-queue form");
        assertThatThrownBy(() -> TaskQueueIds.encode("n".repeat(65), "q", 1)).hasMessageContaining("longer than 64");
        assertThat(RedisKeys.taskQueueInfo("ns  ", "q", 1)).isEqualTo("tq_info:ns:q:1");
    }
}
