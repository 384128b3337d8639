package io.temporalcdc.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void shouldNameTableTopicsLikeDebezium() {
        assertThat(Topics.table("temporal", "temporal", "history_tree")).isEqualTo("temporal.temporal.history_tree");
        assertThat(Topics.table("x", "temporal_visibility", "custom_search_attributes"))
                .isEqualTo("x.temporal_visibility.custom_search_attributes");
    }

    @Test
    void shouldNameTheVisibilityTopicAndDeadLetterTopicAfterThePrefix() {
        assertThat(Topics.visibilityExecutions(Topics.DEFAULT_PREFIX))
                .isEqualTo("temporal.temporal_visibility.executions");
        assertThat(Topics.visibilityExecutions("it-42")).isEqualTo("it-42.temporal_visibility.executions");
        assertThat(Topics.visibilityIndexerDlq("temporal")).isEqualTo("temporal.visibility-indexer.dlq");
    }

    @Test
    void shouldNameTheCacheInvalidatorTopicsAfterThePrefix() {
        assertThat(Topics.cacheInvalidations("temporal")).isEqualTo("temporal.cache.invalidations");
        assertThat(Topics.cacheInvalidatorDlq("p")).isEqualTo("p.cache-invalidator.dlq");
        assertThat(Topics.cacheInvalidatorSources("p"))
                .containsExactly(
                        "p.temporal.executions",
                        "p.temporal.current_executions",
                        "p.temporal.activity_info_maps",
                        "p.temporal.timer_info_maps",
                        "p.temporal_visibility.executions",
                        "p.temporal.tasks");
    }

    @Test
    void shouldCaptureBothTemporalSchemas() {
        assertThat(Topics.CAPTURED_SCHEMAS).containsExactly("temporal", "temporal_visibility");
    }

    @Test
    void shouldRejectBlankOrMissingNameParts() {
        assertThatThrownBy(() -> Topics.table(" ", "temporal", "executions"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topics.visibilityIndexerDlq(null)).isInstanceOf(NullPointerException.class);
    }
}
