package io.temporalcdc.indexer.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.DocumentMappingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden documents: for rows of Temporal's {@code executions_visibility}, the document equals, field by field, what
 * Temporal 1.31.2's {@code GenerateESDoc} / {@code GenerateClosedESDoc} writes for the same execution
 * (common/persistence/visibility/store/elasticsearch/visibility_store.go:923-1005), and Temporal's reader's type rules
 * ({@code ParseESDoc}, :1008-1144) accept it.
 */
class TemporalDocumentMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "3b4c1f2e-5a6d-4e7f-8091-a2b3c4d5e6f7";
    private static final String RUN = "0f9e8d7c-6b5a-4948-8776-655443322110";
    private static final int SHARDS = 512;

    private final List<String> dropped = new ArrayList<>();
    private final TemporalDocumentMapper mapper =
            new TemporalDocumentMapper(new TemporalAttributes(), SHARDS, dropped::add);
    private final TemporalDocumentRules rules = new TemporalDocumentRules(new TemporalAttributes());

    /** A row as Debezium writes it: CHAR(64) padded, TIMESTAMP as epoch µs, BYTEA as base64, JSONB as text. */
    private static ObjectNode row(String workflowId, long version, int status) {
        ObjectNode row = JSON.createObjectNode();
        row.put("namespace_id", pad(NS));
        row.put("run_id", pad(RUN));
        row.put("_version", version);
        row.put("start_time", micros("2026-11-30T08:15:30.123456Z"));
        row.put("execution_time", micros("2026-11-30T08:15:30.123456Z"));
        row.put("workflow_id", workflowId);
        row.put("workflow_type_name", "OrderWorkflow");
        row.put("status", status);
        row.putNull("close_time");
        row.putNull("history_length");
        row.putNull("history_size_bytes");
        row.putNull("execution_duration");
        row.putNull("state_transition_count");
        row.putNull("memo");
        row.put("encoding", "Unspecified");
        row.put("task_queue", "orders");
        row.putNull("search_attributes");
        row.putNull("parent_workflow_id");
        row.putNull("parent_run_id");
        row.put("root_workflow_id", workflowId);
        row.put("root_run_id", RUN);
        return row;
    }

    private static String pad(String value) {
        return value + " ".repeat(64 - value.length());
    }

    private static long micros(String instant) {
        Instant at = Instant.parse(instant);
        return at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
    }

    private static String shard(String workflowId, long version) {
        return Farmhash32.historyShard(NS, workflowId, SHARDS) + "~" + version;
    }

    private JsonNode document(ObjectNode row) throws Exception {
        TemporalDocumentMapper.Document document = mapper.toDocument(row, Map.of());
        String source = JSON.writeValueAsString(document.source());
        assertThat(rules.problems(source))
                .as("ParseESDoc's rules on %s", source)
                .isEmpty();
        return JSON.readTree(source);
    }

    @Test
    void shouldWriteARunningWorkflowAsGenerateEsDocDoes() throws Exception {
        ObjectNode row = row("order-1", 1_048_577L, 1);
        byte[] memo = {0x0a, 0x05, 'n', 'o', 't', 'e', 's'};
        row.put("memo", Base64.getEncoder().encodeToString(memo));
        row.put("encoding", "Proto3");
        row.put(
                "search_attributes",
                "{\"Keyword01\":\"gold\",\"Int01\":7,\"Double01\":2.5,\"Bool01\":true,"
                        + "\"Datetime01\":\"2026-11-30T08:00:00.12Z\",\"Text01\":\"rush order\","
                        + "\"KeywordList01\":[\"a\",\"b\"],\"BuildIds\":[\"unversioned\"],"
                        + "\"TemporalChangeVersion\":[\"fix-1\"]}");

        JsonNode doc = document(row);

        // GenerateESDoc: the system fields always (:927-939), Memo/MemoEncoding when the memo has data (:949-952),
        // the search attributes top-level (:977-984); no CloseTime & co. for an open run (GenerateClosedESDoc only)
        assertThat(doc)
                .isEqualTo(JSON.readTree("{"
                        + "\"VisibilityTaskKey\":\"" + shard("order-1", 1_048_577L) + "\","
                        + "\"NamespaceId\":\"" + NS + "\",\"WorkflowId\":\"order-1\",\"RunId\":\"" + RUN + "\","
                        + "\"WorkflowType\":\"OrderWorkflow\","
                        + "\"StartTime\":\"2026-11-30T08:15:30.123456Z\","
                        + "\"ExecutionTime\":\"2026-11-30T08:15:30.123456Z\","
                        + "\"ExecutionStatus\":\"Running\",\"TaskQueue\":\"orders\","
                        + "\"RootWorkflowId\":\"order-1\",\"RootRunId\":\"" + RUN + "\","
                        + "\"Memo\":\"" + Base64.getEncoder().encodeToString(memo) + "\",\"MemoEncoding\":\"Proto3\","
                        + "\"Keyword01\":\"gold\",\"Int01\":7,\"Double01\":2.5,\"Bool01\":true,"
                        + "\"Datetime01\":\"2026-11-30T08:00:00.12Z\",\"Text01\":\"rush order\","
                        + "\"KeywordList01\":[\"a\",\"b\"],\"BuildIds\":[\"unversioned\"],"
                        + "\"TemporalChangeVersion\":[\"fix-1\"]}"));
        assertThat(mapper.toDocument(row, Map.of()).id()).isEqualTo("order-1~" + RUN);
        assertThat(mapper.toDocument(row, Map.of()).sourceVersion()).isEqualTo(1_048_577L);
    }

    @Test
    void shouldAddTheClosedFieldsOfGenerateClosedEsDoc() throws Exception {
        ObjectNode row = row("child-7", 2_097_200L, 6);
        row.put("close_time", micros("2026-11-30T08:16:00Z"));
        row.put("execution_duration", 29_876_544_000L);
        row.put("history_length", 17);
        row.put("state_transition_count", 9);
        row.put("history_size_bytes", 4_096);
        row.put("parent_workflow_id", "order-1");
        row.put("parent_run_id", "11111111-2222-4333-8444-555555555555");
        row.put("root_workflow_id", "order-1");
        row.put("root_run_id", "11111111-2222-4333-8444-555555555555");

        JsonNode doc = document(row);

        // GenerateClosedESDoc (:993-1004) adds CloseTime, ExecutionDuration, HistoryLength, StateTransitionCount,
        // HistorySizeBytes; Parent* only when set (:941-946); a memo without data is left out (:949)
        assertThat(doc)
                .isEqualTo(JSON.readTree("{"
                        + "\"VisibilityTaskKey\":\"" + shard("child-7", 2_097_200L) + "\","
                        + "\"NamespaceId\":\"" + NS + "\",\"WorkflowId\":\"child-7\",\"RunId\":\"" + RUN + "\","
                        + "\"WorkflowType\":\"OrderWorkflow\","
                        + "\"StartTime\":\"2026-11-30T08:15:30.123456Z\","
                        + "\"ExecutionTime\":\"2026-11-30T08:15:30.123456Z\","
                        + "\"ExecutionStatus\":\"ContinuedAsNew\",\"TaskQueue\":\"orders\","
                        + "\"RootWorkflowId\":\"order-1\",\"RootRunId\":\"11111111-2222-4333-8444-555555555555\","
                        + "\"ParentWorkflowId\":\"order-1\","
                        + "\"ParentRunId\":\"11111111-2222-4333-8444-555555555555\","
                        + "\"CloseTime\":\"2026-11-30T08:16:00Z\",\"ExecutionDuration\":29876544000,"
                        + "\"HistoryLength\":17,\"StateTransitionCount\":9,\"HistorySizeBytes\":4096}"));
    }

    @Test
    void shouldLeaveOutWhatTemporalLeavesOut() throws Exception {
        ObjectNode row = row("order-2", 5L, 2);
        row.put("close_time", micros("2026-11-30T09:00:00.5Z"));
        row.put("memo", "");
        row.put("encoding", "Proto3");
        row.put(
                "search_attributes",
                "{\"Keyword02\":null,\"KeywordList02\":[],\"CustomerId\":\"c-9\",\"Int02\":\"42\"}");

        JsonNode doc = document(row);

        // nil values and empty lists are not added (:978-983); unknown names are skipped with a warning (:964-968)
        assertThat(doc.has("Keyword02")).isFalse();
        assertThat(doc.has("KeywordList02")).isFalse();
        assertThat(doc.has("CustomerId")).isFalse();
        assertThat(doc.has("Memo")).isFalse();
        assertThat(doc.has("MemoEncoding")).isFalse();
        assertThat(dropped).containsExactly("CustomerId");
        assertThat(doc.get("Int02").isIntegralNumber()).isTrue();
        assertThat(doc.get("CloseTime").asText()).isEqualTo("2026-11-30T09:00:00.5Z");
        // closed fields that are NULL are absent, never null
        assertThat(doc.has("HistoryLength")).isFalse();
    }

    @Test
    void shouldLeaveOutTheValuesTemporalsElasticsearchVisibilityLeavesOut() throws Exception {
        List<String> invalid = new ArrayList<>();
        TemporalDocumentMapper validating =
                new TemporalDocumentMapper(new TemporalAttributes(), 0, dropped::add, invalid::add);
        ObjectNode row = row("limits", 9L, 1);
        String long32767 = "x".repeat(32_767);
        row.put(
                "search_attributes",
                "{\"Datetime01\":\"0001-01-01T00:00:00Z\",\"Datetime02\":\"2262-04-12T00:00:00Z\","
                        + "\"Datetime03\":\"1970-01-01T00:00:00Z\",\"Keyword01\":\"" + long32767 + "\","
                        + "\"Keyword02\":\"" + "y".repeat(32_766) + "\",\"KeywordList01\":[\"ok\",\"" + long32767
                        + "\"],\"TemporalScheduledStartTime\":\"1969-12-31T23:59:59Z\"}");

        ObjectNode doc = validating.toDocument(row, Map.of()).source();

        // ValidateCustomSearchAttributes (visibility_store.go:198-234, limits :91-93): out of range or too long: out
        assertThat(doc.has("Datetime01")).isFalse();
        assertThat(doc.has("Datetime02")).isFalse();
        assertThat(doc.get("Datetime03").asText()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(doc.has("Keyword01")).isFalse();
        assertThat(doc.get("Keyword02").asText()).hasSize(32_766);
        assertThat(doc.has("KeywordList01")).isFalse();
        assertThat(doc.has("TemporalScheduledStartTime")).isFalse();
        assertThat(invalid)
                .hasSize(5)
                .anySatisfy(reason -> assertThat(reason).startsWith("Datetime01: datetime 0001-01-01T00:00:00Z"))
                .anySatisfy(reason -> assertThat(reason).startsWith("KeywordList01: a string of 32767 bytes"));
    }

    @Test
    void shouldKnowOnlyTheFieldNamesTemporalDefines() {
        assertThat(TemporalAttributes.typeOf("Keyword10")).isPresent();
        assertThat(TemporalAttributes.typeOf("TemporalLowCardinalityKeyword01")).isPresent();
        assertThat(TemporalAttributes.typeOf("TemporalKeywordList02")).isPresent();
        assertThat(TemporalAttributes.typeOf("LowCardinalityKeyword01")).isEmpty();
        assertThat(TemporalAttributes.typeOf("TemporalText01")).isEmpty();
        assertThat(TemporalAttributes.typeOf("Keyword00")).isEmpty();
        assertThat(TemporalAttributes.typeOf("Keyword1")).isEmpty();
        assertThat(TemporalAttributes.SQL_FIELDS)
                .hasSize(28)
                .allSatisfy(
                        field -> assertThat(TemporalAttributes.typeOf(field)).isPresent());
    }

    @Test
    void shouldNameStatusesLikeTheApiAndRefuseUnknownOnes() throws Exception {
        assertThat(document(row("p", 1L, 8)).get("ExecutionStatus").asText()).isEqualTo("Paused");
        assertThat(document(row("t", 1L, 7)).get("ExecutionStatus").asText()).isEqualTo("TimedOut");
        assertThatThrownBy(() -> mapper.toDocument(row("x", 1L, 99), Map.of()))
                .isInstanceOf(DocumentMappingException.class)
                .hasMessageContaining("status 99");
    }

    @Test
    void shouldCutLongWorkflowIdsAsGetDocIdDoes() {
        // GetDocID (:291-304): the id stays within 512 bytes, the workflow id cut at a character boundary
        String workflowId = "é".repeat(300); // 600 bytes
        String id = TemporalDocumentMapper.documentId(workflowId, RUN);
        assertThat(id.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(512);
        assertThat(id).endsWith("~" + RUN).startsWith("é".repeat(237));
        assertThat(TemporalDocumentMapper.documentId("short", RUN)).isEqualTo("short~" + RUN);
    }

    @Test
    void shouldWriteTimesAsGoWritesThem() {
        assertThat(TemporalDocumentMapper.goTime(micros("2026-11-30T08:15:30Z")))
                .isEqualTo("2026-11-30T08:15:30Z");
        assertThat(TemporalDocumentMapper.goTime(micros("2026-11-30T08:15:30.100Z")))
                .isEqualTo("2026-11-30T08:15:30.1Z");
        assertThat(TemporalDocumentMapper.goTime(micros("1969-12-31T23:59:59.999999Z")))
                .isEqualTo("1969-12-31T23:59:59.999999Z");
    }

    @Test
    void shouldKeepADatetimeAttributesZoneAsGoDoes() throws Exception {
        ObjectNode row = row("tz", 3L, 1);
        row.put("search_attributes", "{\"Datetime02\":\"2026-11-30T10:00:00.000+02:00\"}");
        assertThat(document(row).get("Datetime02").asText()).isEqualTo("2026-11-30T10:00:00+02:00");
    }

    @Test
    void shouldUseAliasesWhereTheOperatorGivesThem() throws Exception {
        TemporalAttributes aliases = new TemporalAttributes(List.of("Keyword01:CustomerId", NS + "/Int01:Priority"));
        TemporalDocumentMapper aliased = new TemporalDocumentMapper(aliases, 0, name -> {});
        ObjectNode row = row("a", 3L, 1);
        row.put("search_attributes", "{\"Keyword01\":\"c-1\",\"Int01\":3,\"Int02\":4}");
        ObjectNode doc = aliased.toDocument(row, Map.of()).source();
        assertThat(doc.get("CustomerId").asText()).isEqualTo("c-1");
        assertThat(doc.get("Priority").asInt()).isEqualTo(3);
        assertThat(doc.get("Int02").asInt()).isEqualTo(4);
        assertThat(doc.has("VisibilityTaskKey")).isFalse();
        assertThat(new TemporalDocumentRules(aliases).problems("{\"NamespaceId\":\"n\",\"Priority\":2.5}"))
                .containsExactly("Priority: expected Int, got 2.5");
        assertThatThrownBy(() -> new TemporalAttributes(List.of("CustomerId:Keyword01")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a field");
    }

    @Test
    void shouldCatchWhatTemporalsReaderRefuses() {
        assertThat(rules.problems("{\"NamespaceId\":\"n\",\"WorkflowId\":null}"))
                .containsExactly("WorkflowId: expected Keyword, got null");
        assertThat(rules.problems("{\"NamespaceId\":\"n\",\"HistoryLength\":17.5}"))
                .containsExactly("HistoryLength: expected Int, got 17.5");
        assertThat(rules.problems("{\"NamespaceId\":\"n\",\"StartTime\":\"2026-11-30T08:15:30\"}"))
                .containsExactly("StartTime: expected Datetime, got \"2026-11-30T08:15:30\"");
        assertThat(rules.problems("{\"NamespaceId\":\"n\",\"Memo\":\"AQI=\"}"))
                .containsExactly("Memo without MemoEncoding");
        assertThat(rules.problems("{\"NamespaceId\":\"n\",\"ExecutionStatus\":\"running\"}"))
                .containsExactly("ExecutionStatus: \"running\" is not a WorkflowExecutionStatus name");
        assertThat(rules.problems("{\"WorkflowId\":\"w\",\"Unknown\":null,\"KeywordList01\":[\"a\",1]}"))
                .containsExactly(
                        "NamespaceId is missing or not text (every query of Temporal filters on it)",
                        "KeywordList01: expected KeywordList, got 1");
        assertThat(rules.problems("{\"NamespaceId\":\"n\",\"ExecutionStatus\":\"WORKFLOW_EXECUTION_STATUS_RUNNING\"}"))
                .isEmpty();
    }
}
