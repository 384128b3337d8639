package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.verify.ExpectedDocuments;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generator writes like Temporal, and the SQL oracle computes documents as the contract says (PostgreSQL only). */
class WorkloadGeneratorIT {

    private static String jdbcUrl;
    private static RecentWorkflows recentlyTouched;

    @BeforeAll
    static void generateWorkload() {
        jdbcUrl = Databases.freshWithSchema("workload");
        try (WorkloadGenerator generator = new WorkloadGenerator(jdbcUrl, 100, 2)) {
            generator.start();
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> assertThat(generator.workflowsStarted()).isGreaterThan(300));
            recentlyTouched = generator.recentlyTouched();
        }
    }

    @Test
    void shouldFeedTheWorkflowsItWroteToTheRecentlyTouchedRing() throws Exception {
        assertThat(recentlyTouched.added()).isGreaterThan(300);
        TouchedWorkflow latest = recentlyTouched.latest().orElseThrow();
        // its current execution stays, even after a deletion
        assertThat(Databases.count(
                        jdbcUrl,
                        "SELECT count(*) FROM temporal.current_executions WHERE shard_id = " + latest.shardId()
                                + " AND namespace_id = '" + latest.namespaceId() + "' AND workflow_id = '"
                                + latest.workflowId() + "'"))
                .isOne();
    }

    @Test
    void shouldCoverEveryClosingStatusNamespaceAndType() throws Exception {
        assertThat(Databases.count(
                        jdbcUrl,
                        "SELECT count(DISTINCT status) FROM temporal_visibility.executions"
                                + " WHERE status BETWEEN 2 AND 7"))
                .isEqualTo(6);
        assertThat(Databases.count(jdbcUrl, "SELECT count(DISTINCT namespace_id) FROM temporal_visibility.executions"))
                .isGreaterThanOrEqualTo(3);
        assertThat(Databases.count(
                        jdbcUrl, "SELECT count(DISTINCT workflow_type_name) FROM temporal_visibility.executions"))
                .isGreaterThanOrEqualTo(3);
        assertThat(Databases.count(
                        jdbcUrl,
                        "SELECT count(*) FROM temporal_visibility.executions"
                                + " WHERE close_time IS NOT NULL AND close_time < execution_time"))
                .isZero();
    }

    @Test
    void shouldWriteMemosInBothEncodingsAndAllSixCustomAttributes() throws Exception {
        assertThat(Databases.count(
                        jdbcUrl,
                        "SELECT count(*) FROM temporal_visibility.executions"
                                + " WHERE encoding = 'json/plain' AND convert_from(memo, 'UTF8')::jsonb ? 'customer'"))
                .isPositive();
        assertThat(Databases.count(
                        jdbcUrl, "SELECT count(*) FROM temporal_visibility.executions WHERE encoding = 'proto3'"))
                .isPositive();
        assertThat(Databases.count(
                        jdbcUrl,
                        "SELECT count(*) FROM temporal_visibility.executions WHERE search_attributes"
                                + " ?& array['CustomKeywordField','CustomIntField','CustomDoubleField','CustomBoolField',"
                                + "'CustomDatetimeField','CustomStringField']"))
                .isPositive();
        assertThat(Databases.count(
                        jdbcUrl,
                        "SELECT count(*) FROM temporal_visibility.executions" + " WHERE execution_time > start_time"))
                .isPositive();
    }

    @Test
    void shouldContinueAsNewIntoANewRunOfTheSameWorkflow() throws Exception {
        assertThat(Databases.count(
                        jdbcUrl,
                        "SELECT count(*) FROM temporal_visibility.executions c"
                                + " JOIN temporal_visibility.executions n ON n.workflow_id = c.workflow_id AND n.run_id <> c.run_id"
                                + " JOIN temporal.current_executions ce ON ce.workflow_id = n.workflow_id AND ce.run_id = n.run_id"
                                + " WHERE c.status = 6"))
                .isPositive();
    }

    @Test
    void shouldWriteAndCleanUpTheTemporalStoreTables() throws Exception {
        for (String table : new String[] {"executions", "current_executions", "history_tree"}) {
            assertThat(Databases.count(jdbcUrl, "SELECT count(*) FROM temporal." + table))
                    .as(table)
                    .isPositive();
        }
        // closed runs leave no pending activities, timers or tasks behind
        assertThat(Databases.count(
                        jdbcUrl,
                        "SELECT count(*) FROM temporal.activity_info_maps a"
                                + " JOIN temporal_visibility.executions v ON v.run_id = a.run_id WHERE v.status <> 1"))
                .isZero();
        assertThat(Databases.count(jdbcUrl, "SELECT count(*) FROM temporal.current_executions WHERE status <> 1"))
                .isPositive();
    }

    @Test
    void shouldComputeTheExpectedDocumentOfARowInSql() throws Exception {
        Databases.execute(
                jdbcUrl,
                "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time,"
                        + " execution_time, workflow_id, workflow_type_name, status, close_time, history_length, memo, encoding,"
                        + " task_queue, search_attributes) VALUES ('ns-oracle', 'run-oracle', '2026-01-02 03:04:05.000001',"
                        + " '2026-01-02 03:04:06', 'wf-oracle', 'OrderFulfillment', 2, '2026-01-02 03:04:07.5', 12,"
                        + " '\\x0102ff'::bytea, 'proto3', 'orders', '{\"CustomIntField\": 7, \"CustomDoubleField\": 1.50}')");

        Map<String, ObjectNode> documents = new ExpectedDocuments(jdbcUrl, VisibilityComparator.MAPPER).load();

        ObjectNode document = documents.get("wf-oracle~run-oracle");
        assertThat(document).isNotNull();
        assertThat(document.get("NamespaceId").asText()).isEqualTo("ns-oracle");
        assertThat(document.get("RunId").asText()).isEqualTo("run-oracle");
        assertThat(document.get("StartTime").asText()).isEqualTo("2026-01-02T03:04:05.000001Z");
        assertThat(document.get("ExecutionTime").asText()).isEqualTo("2026-01-02T03:04:06.000000Z");
        assertThat(document.get("CloseTime").asText()).isEqualTo("2026-01-02T03:04:07.500000Z");
        assertThat(document.get("ExecutionDuration").asLong()).isEqualTo(1_500_000_000L);
        assertThat(document.get("ExecutionStatus").asInt()).isEqualTo(2);
        assertThat(document.get("HistoryLength").asLong()).isEqualTo(12);
        assertThat(document.get("Memo").toString()).isEqualTo("{\"data\":\"AQL/\",\"encoding\":\"proto3\"}");
        assertThat(document.get("SearchAttributes").get("CustomIntField").asInt())
                .isEqualTo(7);
        assertThat(document.has("WorkflowType")).isTrue();
    }

    @Test
    void shouldLeaveNullColumnsOutAndDecodeJsonMemos() throws Exception {
        Databases.execute(
                jdbcUrl,
                "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time,"
                        + " execution_time, workflow_id, workflow_type_name, status, memo, encoding)"
                        + " VALUES ('ns-oracle', 'run-running', '2026-01-02 03:04:05', '2026-01-02 03:04:05', 'wf-running',"
                        + " 'UserOnboarding', 1, convert_to('{\"customer\":\"c-1\",\"n\":2}', 'UTF8'), 'json/plain')");

        ObjectNode document = new ExpectedDocuments(jdbcUrl, VisibilityComparator.MAPPER)
                .load()
                .get("wf-running~run-running");

        assertThat(document.has("CloseTime")).isFalse();
        assertThat(document.has("ExecutionDuration")).isFalse();
        assertThat(document.has("HistoryLength")).isFalse();
        assertThat(document.has("SearchAttributes")).isFalse();
        assertThat(document.has("TaskQueue")).isFalse();
        assertThat(document.get("Memo").get("customer").asText()).isEqualTo("c-1");
    }
}
