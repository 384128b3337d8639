package io.temporalcdc.indexer.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The oracle's side of the comparison: the document every visibility row should have, computed in
 * SQL by PostgreSQL itself and independently of the indexer's mapper (CHAR padding trimmed, UTC
 * timestamps with six fraction digits and a Z, duration in nanoseconds, memo decoded or base64).
 */
public final class ExpectedDocuments {

    private static final Logger LOG = LoggerFactory.getLogger(ExpectedDocuments.class);

    static final String TIMESTAMP = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'";

    /** One row → one JSON object; NULL columns come out as JSON nulls and are dropped afterwards. */
    static final String QUERY = "SELECT workflow_id || '~' || rtrim(run_id) AS doc_id, jsonb_build_object("
            + " 'NamespaceId', rtrim(namespace_id),"
            + " 'WorkflowId', workflow_id,"
            + " 'RunId', rtrim(run_id),"
            + " 'WorkflowType', workflow_type_name,"
            + " 'StartTime', to_char(start_time, " + TIMESTAMP + "),"
            + " 'ExecutionTime', to_char(execution_time, " + TIMESTAMP + "),"
            + " 'CloseTime', to_char(close_time, " + TIMESTAMP + "),"
            + " 'ExecutionStatus', status,"
            + " 'ExecutionDuration', CASE WHEN close_time IS NOT NULL THEN"
            + "   (EXTRACT(EPOCH FROM (close_time - execution_time)) * 1000000000)::bigint END,"
            + " 'HistoryLength', history_length,"
            + " 'TaskQueue', task_queue,"
            + " 'Memo', CASE WHEN memo IS NULL OR lower(encoding) LIKE 'json%' THEN NULL"
            + "   ELSE jsonb_build_object('encoding', encoding, 'data', replace(encode(memo, 'base64'), E'\\n', '')) END,"
            + " 'SearchAttributes', SEARCH_ATTRIBUTES"
            + ")::text AS doc,"
            // a JSON memo is parsed here rather than cast in SQL: one invalid memo must not fail the whole query
            + " CASE WHEN memo IS NOT NULL AND lower(encoding) LIKE 'json%' THEN encode(memo, 'base64') END AS json_memo"
            + " FROM temporal_visibility.executions";

    /** The search attributes of a row of the seed's schema. */
    static final String ATTRIBUTES = "search_attributes::jsonb";
    /**
     * ... and of a row once the seed's {@code migrate_add_search_attribute()} added {@code customer_id}, which the
     * pipeline's indexer indexes as {@code CustomerId} (over the same attribute in {@code search_attributes}).
     */
    static final String ATTRIBUTES_WITH_CUSTOMER = "CASE WHEN customer_id IS NULL THEN search_attributes::jsonb"
            + " ELSE coalesce(search_attributes::jsonb, '{}'::jsonb) || jsonb_build_object('CustomerId', customer_id)"
            + " END";

    private final String jdbcUrl;
    private final ObjectMapper mapper;
    private final String where;

    public ExpectedDocuments(String jdbcUrl, ObjectMapper mapper) {
        this(jdbcUrl, mapper, "");
    }

    /**
     * @param where a SQL condition on the visibility rows (e.g. {@code namespace_id LIKE 'bench%'}), or empty for
     *     every row
     */
    public ExpectedDocuments(String jdbcUrl, ObjectMapper mapper, String where) {
        this.jdbcUrl = jdbcUrl;
        this.mapper = mapper;
        this.where = where;
    }

    /** Every row's expected document by document id. */
    public Map<String, ObjectNode> load() throws SQLException {
        Map<String, ObjectNode> documents = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false); // lets the driver stream with a fetch size
            statement.setFetchSize(1000);
            String query = QUERY.replace(
                    "SEARCH_ATTRIBUTES", hasCustomerId(connection) ? ATTRIBUTES_WITH_CUSTOMER : ATTRIBUTES);
            try (ResultSet rows = statement.executeQuery(where.isBlank() ? query : query + " WHERE " + where)) {
                while (rows.next()) {
                    String id = rows.getString("doc_id");
                    ObjectNode document = withoutNulls(parse(rows.getString("doc")));
                    if (withJsonMemo(id, document, rows.getString("json_memo"))) {
                        documents.put(id, document);
                    }
                }
            }
            connection.commit();
        }
        return documents;
    }

    /** The number of visibility rows per namespace id (CHAR padding trimmed). */
    public Map<String, Long> countsByNamespace() throws SQLException {
        Map<String, Long> counts = new java.util.TreeMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT rtrim(namespace_id), count(*) FROM"
                        + " temporal_visibility.executions" + (where.isBlank() ? "" : " WHERE " + where)
                        + " GROUP BY 1")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    /** @return a SQL condition selecting the rows of these document ids ({@code <workflow_id>~<run_id>}) */
    public static String documentIds(java.util.Collection<String> ids) {
        StringBuilder in = new StringBuilder("workflow_id || '~' || rtrim(run_id) IN (");
        boolean first = true;
        for (String id : ids) {
            in.append(first ? "" : ",")
                    .append('\'')
                    .append(id.replace("'", "''"))
                    .append('\'');
            first = false;
        }
        return ids.isEmpty() ? "false" : in.append(')').toString();
    }

    private static boolean hasCustomerId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet column = statement.executeQuery("SELECT 1 FROM information_schema.columns WHERE table_schema"
                        + " = 'temporal_visibility' AND table_name = 'executions' AND column_name = 'customer_id'")) {
            return column.next();
        }
    }

    /**
     * Adds the memo of a JSON-encoded row. A memo that is not valid JSON cannot be indexed (the
     * indexer dead-letters such a row), so the row is expected to have no document: false.
     */
    private boolean withJsonMemo(String id, ObjectNode document, String base64) {
        if (base64 == null) {
            return true;
        }
        try {
            document.set("Memo", mapper.readTree(Base64.getMimeDecoder().decode(base64)));
            return true;
        } catch (IOException e) {
            LOG.info(
                    "Row {} has a memo that is not valid JSON: it is expected in the dead-letter topic, not the index",
                    id);
            return false;
        }
    }

    private ObjectNode parse(String json) {
        try {
            return (ObjectNode) mapper.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** NULL columns are absent fields (only at the top level: nulls inside JSON values stay as they are). */
    static ObjectNode withoutNulls(ObjectNode document) {
        Iterator<Map.Entry<String, JsonNode>> fields = document.fields();
        while (fields.hasNext()) {
            if (fields.next().getValue().isNull()) {
                fields.remove();
            }
        }
        return document;
    }
}
