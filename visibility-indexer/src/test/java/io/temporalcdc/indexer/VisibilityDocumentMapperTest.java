package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.runtime.UnmappableChangeException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VisibilityDocumentMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PADDED_NS = DebeziumRecords.pad("ns-1", 64);
    private static final String PADDED_RUN = DebeziumRecords.pad("run-1", 64);

    private final VisibilityDocumentMapper mapper = new VisibilityDocumentMapper();

    /** A closed run, as the payload of Debezium's JsonConverter carries it. */
    private static ObjectNode closedRow() {
        ObjectNode row = JSON.createObjectNode();
        row.put("namespace_id", PADDED_NS);
        row.put("run_id", PADDED_RUN);
        row.put("start_time", 1_709_288_130_000_120L);
        row.put("execution_time", 1_709_288_131_000_000L);
        row.put("workflow_id", "order-42");
        row.put("workflow_type_name", "OrderWorkflow");
        row.put("status", 2);
        row.put("close_time", 1_709_288_190_500_000L);
        row.put("history_length", 17L);
        row.put("memo", base64("{\"note\":\"hello\",\"n\":[1,2]}"));
        row.put("encoding", "json/plain");
        row.put("task_queue", "orders");
        row.put("search_attributes", "{\"CustomKeywordField\":\"gold\",\"CustomIntField\":7}");
        return row;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The JSON text without insignificant blanks, fields in the order written. */
    private static String compact(String text) throws Exception {
        return JSON.writeValueAsString(JSON.readTree(text));
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void shouldMapEveryFieldOfAClosedRun() throws Exception {
        VisibilityDocument doc = mapper.toDocument(closedRow());

        assertThat(doc.id()).isEqualTo("order-42~run-1");
        assertThat(doc.source().toString()).isEqualTo(compact("""
                {"NamespaceId":"ns-1","WorkflowId":"order-42","RunId":"run-1","WorkflowType":"OrderWorkflow",
                 "StartTime":"2024-03-01T10:15:30.000120Z","ExecutionTime":"2024-03-01T10:15:31.000000Z",
                 "CloseTime":"2024-03-01T10:16:30.500000Z","ExecutionStatus":2,"ExecutionDuration":59500000000,
                 "HistoryLength":17,"TaskQueue":"orders","Memo":{"note":"hello","n":[1,2]},
                 "SearchAttributes":{"CustomKeywordField":"gold","CustomIntField":7}}
                """));
        assertThat(doc.source().get("ExecutionDuration").isLong()).isTrue();
        assertThat(doc.source().get("HistoryLength").isLong()).isTrue();
    }

    @Test
    void shouldStripOnlyTrailingBlanksOfCharColumns() {
        ObjectNode row =
                closedRow().put("run_id", DebeziumRecords.pad(" r 1", 64)).put("namespace_id", "ns ");

        VisibilityDocument doc = mapper.toDocument(row);

        assertThat(doc.id()).isEqualTo("order-42~ r 1");
        assertThat(doc.source().get("RunId").asText()).isEqualTo(" r 1");
        assertThat(doc.source().get("NamespaceId").asText()).isEqualTo("ns");
    }

    @Test
    void shouldKeepWorkflowIdExactlyAsStored() {
        VisibilityDocument doc = mapper.toDocument(closedRow().put("workflow_id", " wf with blanks "));

        assertThat(doc.id()).isEqualTo(" wf with blanks ~run-1");
        assertThat(doc.source().get("WorkflowId").asText()).isEqualTo(" wf with blanks ");
    }

    @ParameterizedTest
    @CsvSource({
        "1709288130000120, 2024-03-01T10:15:30.000120Z",
        "0, 1970-01-01T00:00:00.000000Z",
        "1, 1970-01-01T00:00:00.000001Z",
        "-1, 1969-12-31T23:59:59.999999Z",
        "253402300799999999, 9999-12-31T23:59:59.999999Z"
    })
    void shouldWriteTimestampsAsUtcWithSixFractionDigits(long micros, String expected) {
        VisibilityDocument doc = mapper.toDocument(closedRow().put("start_time", micros));

        assertThat(doc.source().get("StartTime").asText()).isEqualTo(expected);
    }

    @Test
    void shouldComputeExecutionDurationInNanoseconds() {
        ObjectNode row = closedRow().put("execution_time", 1_000_000L).put("close_time", 3_500_001L);

        assertThat(mapper.toDocument(row).source().get("ExecutionDuration").longValue())
                .isEqualTo(2_500_001_000L);
    }

    @Test
    void shouldLeaveCloseTimeAndDurationOutWhileRunning() {
        ObjectNode row = closedRow().put("status", 1);
        row.putNull("close_time");

        ObjectNode source = mapper.toDocument(row).source();

        assertThat(source.has("CloseTime")).isFalse();
        assertThat(source.has("ExecutionDuration")).isFalse();
        assertThat(source.get("ExecutionStatus").intValue()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "workflow_type_name",
                "start_time",
                "execution_time",
                "close_time",
                "status",
                "history_length",
                "memo",
                "task_queue",
                "search_attributes"
            })
    void shouldLeaveNullColumnsOut(String column) {
        ObjectNode nulled = closedRow();
        nulled.putNull(column);
        ObjectNode absent = closedRow();
        absent.remove(column);

        ObjectNode fromNull = mapper.toDocument(nulled).source();
        ObjectNode fromAbsent = mapper.toDocument(absent).source();

        assertThat(fromNull.size())
                .isLessThan(mapper.toDocument(closedRow()).source().size());
        assertThat(fromNull).isEqualTo(fromAbsent);
        fromNull.properties()
                .forEach(e -> assertThat(e.getValue().isNull()).as(e.getKey()).isFalse());
    }

    @ParameterizedTest
    @ValueSource(strings = {"json/plain", "JSON/plain", "json", "Json/Protobuf-ish"})
    void shouldParseMemoWhenEncodingSaysJson(String encoding) throws Exception {
        ObjectNode row = closedRow().put("encoding", encoding);

        assertThat((JsonNode) mapper.toDocument(row).source().get("Memo"))
                .isEqualTo(json("{\"note\":\"hello\",\"n\":[1,2]}"));
    }

    @Test
    void shouldKeepOpaqueMemoAsEncodingAndBase64() throws Exception {
        byte[] proto = {0x0a, 0x03, (byte) 0xff, 0x00, 0x7f};
        ObjectNode row = closedRow()
                .put("memo", Base64.getEncoder().encodeToString(proto))
                .put("encoding", "proto3");

        assertThat((JsonNode) mapper.toDocument(row).source().get("Memo"))
                .isEqualTo(json("{\"encoding\":\"proto3\",\"data\":\"CgP/AH8=\"}"));
    }

    @Test
    void shouldKeepMemoWithoutEncodingAsBase64Data() throws Exception {
        ObjectNode row = closedRow();
        row.putNull("encoding");

        assertThat((JsonNode) mapper.toDocument(row).source().get("Memo"))
                .isEqualTo(json("{\"data\":\"" + base64("{\"note\":\"hello\",\"n\":[1,2]}") + "\"}"));
    }

    @Test
    void shouldAcceptSearchAttributesAlreadyParsed() throws Exception {
        ObjectNode row = closedRow();
        row.set("search_attributes", json("{\"CustomBoolField\":true}"));

        assertThat((JsonNode) mapper.toDocument(row).source().get("SearchAttributes"))
                .isEqualTo(json("{\"CustomBoolField\":true}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"workflow_id", "run_id", "namespace_id"})
    void shouldRejectRowWithoutKeyColumn(String column) {
        ObjectNode row = closedRow();
        row.remove(column);

        assertThatThrownBy(() -> mapper.toDocument(row))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessage("key column " + column + " is missing or NULL");
    }

    @Test
    void shouldRejectDeleteImageWithoutWorkflowIdNamingTheColumn() {
        ObjectNode keyOnly =
                JSON.createObjectNode().put("namespace_id", PADDED_NS).put("run_id", PADDED_RUN);

        assertThatThrownBy(() -> mapper.documentId(keyOnly))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageContaining("workflow_id");
    }

    @Test
    void shouldDeriveDocumentIdFromFullImage() {
        assertThat(mapper.documentId(closedRow())).isEqualTo("order-42~run-1");
    }

    @Test
    void shouldRejectInvalidJsonMemo() {
        ObjectNode row = closedRow().put("memo", base64("{\"note\": oops}"));

        assertThatThrownBy(() -> mapper.toDocument(row))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageStartingWith("memo is not valid JSON");
    }

    @Test
    void shouldRejectTrailingGarbageAfterJson() {
        ObjectNode row = closedRow().put("search_attributes", "{\"CustomIntField\":1} {}");

        assertThatThrownBy(() -> mapper.toDocument(row))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageStartingWith("search_attributes is not valid JSON");
    }

    @Test
    void shouldRejectInvalidBase64Memo() {
        ObjectNode row = closedRow().put("memo", "not base64 !!");

        assertThatThrownBy(() -> mapper.toDocument(row))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageStartingWith("memo is not valid base64");
    }

    @Test
    void shouldRejectDebeziumsUnavailableValuePlaceholderInsteadOfIndexingIt() {
        ObjectNode binaryMemo =
                closedRow().put("encoding", "proto3").put("memo", base64("__debezium_unavailable_value"));
        ObjectNode attributes = closedRow().put("search_attributes", "__debezium_unavailable_value");

        assertThatThrownBy(() -> mapper.toDocument(binaryMemo))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageContaining("memo arrived as Debezium's unavailable-value placeholder");
        assertThatThrownBy(() -> mapper.toDocument(attributes))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageContaining("REPLICA IDENTITY is not FULL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42"})
    void shouldRejectSearchAttributesThatAreNotAnObject(String value) {
        ObjectNode row = closedRow().put("search_attributes", value);

        assertThatThrownBy(() -> mapper.toDocument(row))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageStartingWith("search_attributes must be a JSON object");
    }

    @Test
    void shouldRejectTimestampThatIsNotEpochMicros() {
        ObjectNode row = closedRow().put("start_time", "2024-03-01T10:15:30Z");

        assertThatThrownBy(() -> mapper.toDocument(row))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageStartingWith("start_time must be an epoch timestamp (an integer) but is string");
    }

    @Test
    void shouldReadTimestampsInTheUnitTheirSchemaNames() {
        ObjectNode row = closedRow()
                .put("start_time", 1_709_288_130_000L)
                .put("execution_time", 1_709_288_131_000_000_000L)
                .put("close_time", 1_709_288_191_000_007L);

        var doc = mapper.toDocument(
                        row,
                        java.util.Map.of(
                                "start_time", "org.apache.kafka.connect.data.Timestamp",
                                "execution_time", "io.debezium.time.NanoTimestamp",
                                "close_time", "io.debezium.time.MicroTimestamp"))
                .source();

        assertThat(doc.get("StartTime").asText()).isEqualTo("2024-03-01T10:15:30.000000Z");
        assertThat(doc.get("ExecutionTime").asText()).isEqualTo("2024-03-01T10:15:31.000000Z");
        assertThat(doc.get("CloseTime").asText()).isEqualTo("2024-03-01T10:16:31.000007Z");
    }

    @Test
    void shouldRefuseATimestampSentAsText() {
        ObjectNode row = closedRow().put("start_time", 5L);

        assertThatThrownBy(
                        () -> mapper.toDocument(row, java.util.Map.of("start_time", "io.debezium.time.ZonedTimestamp")))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageContaining("time.precision.mode");
    }

    @Test
    void shouldRejectStatusThatIsNotAnInteger() {
        ObjectNode row = closedRow().put("status", 2.5);

        assertThatThrownBy(() -> mapper.toDocument(row))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageStartingWith("status must be a 32-bit integer");
    }

    @Test
    void shouldRejectHistoryLengthThatIsText() {
        ObjectNode row = closedRow().put("history_length", "17");

        assertThatThrownBy(() -> mapper.toDocument(row))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageStartingWith("history_length must be a 64-bit integer");
    }

    @Test
    void shouldRejectWorkflowIdThatIsNotText() {
        ObjectNode row = closedRow().put("workflow_id", 42);

        assertThatThrownBy(() -> mapper.toDocument(row))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageStartingWith("workflow_id must be a string");
    }

    @Test
    void shouldRejectRowImageThatIsNotAnObject() {
        assertThatThrownBy(() -> mapper.toDocument(JSON.createArrayNode()))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessage("row image is not a JSON object");
    }

    @Test
    void shouldIndexAColumnAsItsRegisteredSearchAttribute() {
        SearchAttributeRegistry registry = new SearchAttributeRegistry(
                SearchAttributeRegistry.parse(java.util.List.of("CustomerId:Keyword")),
                false,
                SearchAttributeRegistry.parseColumns(java.util.List.of("customer_id:CustomerId")));
        VisibilityDocumentMapper withColumns = new VisibilityDocumentMapper(registry, name -> {});
        ObjectNode row = closedRow();
        row.put("customer_id", "cust-7");

        JsonNode attributes = withColumns.toDocument(row).source().path("SearchAttributes");

        assertThat(attributes.path("CustomerId").asText()).isEqualTo("cust-7");
        assertThat(attributes.path("CustomKeywordField").asText())
                .as("the JSON's attributes stay")
                .isEqualTo("gold");
        row.remove("search_attributes");
        assertThat(withColumns
                        .toDocument(row)
                        .source()
                        .path("SearchAttributes")
                        .path("CustomerId")
                        .asText())
                .as("a column alone makes SearchAttributes")
                .isEqualTo("cust-7");
        row.putNull("customer_id");
        assertThat(withColumns.toDocument(row).source().has("SearchAttributes")).isFalse();
    }

    @Test
    void shouldNotIndexAColumnWhoseAttributeIsNotRegistered() {
        SearchAttributeRegistry registry = new SearchAttributeRegistry(
                java.util.Map.of(),
                false,
                SearchAttributeRegistry.parseColumns(java.util.List.of("customer_id:CustomerId")));
        ObjectNode row = closedRow();
        row.put("customer_id", "cust-7");

        JsonNode attributes = new VisibilityDocumentMapper(registry, name -> {})
                .toDocument(row)
                .source()
                .path("SearchAttributes");

        assertThat(attributes.has("CustomerId")).isFalse();
        assertThat(registry.unregisteredColumns()).containsEntry("customer_id", "CustomerId");
        assertThatThrownBy(() -> SearchAttributeRegistry.parseColumns(java.util.List.of("Customer-Id")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
