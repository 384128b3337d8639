package io.temporalcdc.demo;

import io.temporalcdc.schemas.TemporalSqlVisibility;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rows of Temporal's own SQL visibility table as Temporal's SQL visibility store writes them (the {@code temporal-v12}
 * profile's workload): each change of a run carries a new visibility task id in {@code _version}, the upsert keeps a
 * row only when it grows ({@link TemporalSqlVisibility#UPSERT}), a late upsert of an older task is refused by
 * PostgreSQL as Temporal's is, the retention delete is unversioned. Memos are {@code temporal.api.common.v1.Memo}
 * bytes ({@code Proto3}); search attributes use the SQL schema's field names.
 */
final class TemporalVisibilityRows {
    /** Task ids start high, as a shard's range does, and only grow. */
    private static final AtomicLong TASK_IDS = new AtomicLong(1L << 20);

    private static final String[] TYPES = {"OrderFulfillment", "PaymentProcessing", "UserOnboarding"};
    private static final String[] QUEUES = {"orders", "payments", "onboarding"};

    /** One run's visibility state, as Temporal's history service holds it. */
    static final class Run {
        final String namespaceId;
        final String workflowId;
        final String runId;
        final String workflowType;
        final String taskQueue;
        final LocalDateTime startTime;
        long version;
        int status = 1;
        int step;
        LocalDateTime closeTime;

        Run(String namespaceId, String workflowId, int index) {
            this.namespaceId = namespaceId;
            this.workflowId = workflowId;
            this.runId = UUID.randomUUID().toString();
            this.workflowType = TYPES[index % TYPES.length];
            this.taskQueue = QUEUES[index % QUEUES.length];
            this.startTime = LocalDateTime.now(ZoneOffset.UTC).withNano(index % 1000 * 1000);
        }
    }

    private TemporalVisibilityRows() {}

    /** A new run of {@code namespaceId}. */
    static Run newRun(String namespaceId, int index) {
        return new Run(
                namespaceId,
                "temporal-wf-" + index + "-" + UUID.randomUUID().toString().substring(0, 8),
                index);
    }

    /** RecordWorkflowExecutionStarted: {@code INSERT ... ON CONFLICT DO NOTHING}. */
    static int start(Connection c, Run run) throws SQLException {
        run.version = TASK_IDS.incrementAndGet();
        return write(c, TemporalSqlVisibility.INSERT_STARTED, run, run.version);
    }

    /** UpsertWorkflowExecution: a search attribute changed (a new task id). */
    static int progress(Connection c, Run run) throws SQLException {
        run.step++;
        run.version = TASK_IDS.incrementAndGet();
        return write(c, TemporalSqlVisibility.UPSERT, run, run.version);
    }

    /** RecordWorkflowExecutionClosed with {@code status}. */
    static int close(Connection c, Run run, int status) throws SQLException {
        run.status = status;
        run.closeTime = LocalDateTime.now(ZoneOffset.UTC);
        run.version = TASK_IDS.incrementAndGet();
        return write(c, TemporalSqlVisibility.UPSERT, run, run.version);
    }

    /**
     * A visibility task processed late: an upsert of an older task id than the row's, whose values differ. Temporal's
     * upsert leaves the row as it is; returns the rows changed (0).
     */
    static int staleUpsert(Connection c, Run run) throws SQLException {
        int status = run.status;
        run.status = 3;
        try {
            return write(c, TemporalSqlVisibility.UPSERT, run, run.version - 1);
        } finally {
            run.status = status;
        }
    }

    /** The retention delete. */
    static int delete(Connection c, Run run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TemporalSqlVisibility.DELETE)) {
            ps.setString(1, run.namespaceId);
            ps.setString(2, run.runId);
            return ps.executeUpdate();
        }
    }

    private static int write(Connection c, String sql, Run run, long version) throws SQLException {
        boolean closed = run.closeTime != null;
        Object[] values = {
            run.namespaceId,
            run.runId,
            version,
            Timestamp.valueOf(run.startTime),
            Timestamp.valueOf(run.startTime),
            run.workflowId,
            run.workflowType,
            run.status,
            closed ? Timestamp.valueOf(run.closeTime) : null,
            closed ? 10L + run.step : null,
            closed ? 1_024L * (run.step + 1) : null,
            closed ? java.time.Duration.between(run.startTime, run.closeTime).toNanos() : null,
            closed ? 5L + run.step : null,
            memo(run),
            "Proto3",
            run.taskQueue,
            searchAttributes(run),
            null,
            null,
            run.workflowId,
            run.runId
        };
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            return ps.executeUpdate();
        }
    }

    /** A {@code Memo} with one field {@code note}: a protobuf map entry holding a Payload with data. */
    private static byte[] memo(Run run) {
        byte[] data = ("\"" + run.workflowType + "\"").getBytes(StandardCharsets.UTF_8);
        byte[] key = "note".getBytes(StandardCharsets.UTF_8);
        // Payload { data = 2 }
        byte[] payload = concat(new byte[] {0x12, (byte) data.length}, data);
        // map entry { key = 1, value = 2 }
        byte[] entry = concat(
                concat(new byte[] {0x0a, (byte) key.length}, key),
                concat(new byte[] {0x12, (byte) payload.length}, payload));
        // Memo { fields = 1 }
        return concat(new byte[] {0x0a, (byte) entry.length}, entry);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * The run's search attributes as Temporal's SQL store keeps them (datetimes as Go writes them); after its first
     * upsert a run carries {@code Datetime02} = Go's zero time, a value Temporal's SQL visibility stores and its
     * Elasticsearch visibility leaves out.
     */
    private static String searchAttributes(Run run) {
        java.time.Instant started = run.startTime.toInstant(ZoneOffset.UTC);
        String datetime = io.temporalcdc.indexer.temporal.TemporalDocumentMapper.goTime(
                started.getEpochSecond() * 1_000_000L + started.getNano() / 1_000);
        return "{\"Keyword01\":\"" + run.taskQueue + "\",\"Int01\":" + run.step + ",\"Double01\":" + (run.step + 0.5)
                + ",\"Bool01\":" + (run.step % 2 == 0) + ",\"KeywordList01\":[\"step-" + run.step + "\"]"
                + ",\"Datetime01\":\"" + datetime + "\""
                + (run.step == 1 ? ",\"Datetime02\":\"0001-01-01T00:00:00Z\"" : "")
                + (run.step > 0 ? ",\"BuildIds\":[\"unversioned\"]" : "") + "}";
    }
}
