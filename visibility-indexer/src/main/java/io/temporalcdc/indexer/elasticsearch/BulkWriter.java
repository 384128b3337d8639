package io.temporalcdc.indexer.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Request;
import co.elastic.clients.transport.rest5_client.low_level.Response;
import co.elastic.clients.transport.rest5_client.low_level.ResponseException;
import co.elastic.clients.transport.rest5_client.low_level.ResponseListener;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.indexer.DocumentHeaders;
import io.temporalcdc.indexer.IndexerMetrics;
import io.temporalcdc.runtime.sink.SinkOutcome;
import io.temporalcdc.runtime.sink.SinkWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches of the documents topic to Elasticsearch with one {@code _bulk} request each, every action naming
 * the concrete index its {@link IndexRouter} chose (the index that holds the document, so updates and deletes follow
 * it across rollovers; a missing write alias stops the sink rather than auto-creating an unmapped index) with
 * {@code version_type=external} and the record's version header. A record value is the document (index) or null
 * (delete); the key is the document id. Within a batch only the highest version of each id is sent; the others
 * share its outcome. Per item: applied → done; 409 → done (Elasticsearch holds this or a newer version: counted as a
 * replay, or as a stale write when the change is recent); a 400 about the document → dead letter; 408/429/5xx →
 * retry; anything else → fatal. A request that fails as a whole is retried (connection refused, 429, 5xx) or fatal.
 */
public final class BulkWriter implements SinkWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BulkWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ContentType NDJSON = ContentType.create("application/x-ndjson", StandardCharsets.UTF_8);
    private static final Pattern CURRENT_VERSION = Pattern.compile("current version \\[(\\d+)]");
    private static final int CONFLICT = 409;
    private static final int NOT_FOUND = 404;

    private final Rest5Client rest;
    private final IndexRouter router;
    private final IndexerMetrics metrics;
    private final long freshnessMs;

    /**
     * @param freshness a change committed less than this long ago that Elasticsearch answers with a newer version is
     *     a stale write (possibly a lost change), not a replay
     */
    public BulkWriter(Rest5Client rest, IndexRouter router, IndexerMetrics metrics, Duration freshness) {
        this.rest = rest;
        this.router = router;
        this.metrics = metrics;
        this.freshnessMs = freshness.toMillis();
    }

    /** One action of the bulk request. */
    private record Action(ConsumerRecord<byte[], byte[]> record, String id, long version, long sourceTsMs) {
        boolean delete() {
            return record.value() == null;
        }
    }

    @Override
    public CompletableFuture<List<SinkOutcome>> write(List<ConsumerRecord<byte[], byte[]>> batch) {
        SinkOutcome[] outcomes = new SinkOutcome[batch.size()];
        int[] sharesWith = new int[batch.size()];
        Arrays.fill(sharesWith, -1);
        List<Action> actions = new ArrayList<>();
        List<Integer> actionOf = new ArrayList<>();
        Map<String, Integer> latest = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            ConsumerRecord<byte[], byte[]> record = batch.get(i);
            long version = DocumentHeaders.number(record.headers(), DocumentHeaders.VERSION);
            if (record.key() == null || version < 0) {
                outcomes[i] = new SinkOutcome.DeadLetter(
                        record.key() == null ? "no document id (record key)" : "no valid version header",
                        IllegalArgumentException.class.getName());
                continue;
            }
            Action action = new Action(
                    record,
                    new String(record.key(), StandardCharsets.UTF_8),
                    version,
                    DocumentHeaders.number(record.headers(), DocumentHeaders.SOURCE_TS_MS));
            Integer earlier = latest.get(action.id());
            if (earlier != null && actions.get(earlier).version() >= version) {
                sharesWith[i] = actionOf.get(earlier);
                continue;
            }
            if (earlier != null) {
                // the earlier record of this id is superseded within the batch: it shares this one's outcome
                int earlierRecord = actionOf.get(earlier);
                actions.set(earlier, action);
                actionOf.set(earlier, i);
                sharesWith[earlierRecord] = i;
                continue;
            }
            latest.put(action.id(), actions.size());
            actions.add(action);
            actionOf.add(i);
        }
        CompletableFuture<List<SinkOutcome>> result = new CompletableFuture<>();
        if (actions.isEmpty()) {
            result.complete(resolve(outcomes, sharesWith));
            return result;
        }
        IndexRouter.Routes routes;
        try {
            routes = router.route(actions.stream().map(Action::id).toList());
        } catch (IOException | IndexRouter.RoutingException e) {
            SinkOutcome outcome = e instanceof IndexRouter.RoutingException re && !re.isTransient()
                    ? new SinkOutcome.Fatal("cannot route writes to " + router.target() + ": " + e.getMessage())
                    : new SinkOutcome.Retry("cannot route writes to " + router.target() + ": " + e);
            for (int a = 0; a < actions.size(); a++) {
                outcomes[actionOf.get(a)] = outcome;
            }
            result.complete(resolve(outcomes, sharesWith));
            return result;
        }
        Request request = new Request("POST", "/_bulk");
        request.setEntity(new ByteArrayEntity(body(actions, routes), NDJSON));
        rest.performRequestAsync(request, new ResponseListener() {
            @Override
            public void onSuccess(Response response) {
                router.release(routes);
                complete(result, outcomes, sharesWith, actions, actionOf, () -> items(response, actions));
            }

            @Override
            public void onFailure(Exception e) {
                router.release(routes);
                complete(result, outcomes, sharesWith, actions, actionOf, () -> failedRequest(e, actions.size()));
            }
        });
        return result;
    }

    private interface Outcomes {
        List<SinkOutcome> get() throws IOException;
    }

    private void complete(
            CompletableFuture<List<SinkOutcome>> result,
            SinkOutcome[] outcomes,
            int[] sharesWith,
            List<Action> actions,
            List<Integer> actionOf,
            Outcomes answer) {
        try {
            List<SinkOutcome> perAction = answer.get();
            for (int a = 0; a < actions.size(); a++) {
                outcomes[actionOf.get(a)] = perAction.get(a);
            }
            result.complete(resolve(outcomes, sharesWith));
        } catch (IOException | RuntimeException | Error e) {
            // whatever went wrong, the future completes: an incomplete one would hold its partition forever
            List<SinkOutcome> retry = new ArrayList<>();
            for (int a = 0; a < actions.size(); a++) {
                retry.add(new SinkOutcome.Retry("unreadable _bulk answer: " + e));
            }
            for (int a = 0; a < actions.size(); a++) {
                outcomes[actionOf.get(a)] = retry.get(a);
            }
            result.complete(resolve(outcomes, sharesWith));
        }
    }

    /**
     * One outcome per record: a record superseded within the batch shares the outcome of the version that was sent,
     * except when that version was rejected: then the older one is written on its own (a retry), so a rejected newest
     * state does not take a valid older one down with it.
     */
    private static List<SinkOutcome> resolve(SinkOutcome[] outcomes, int[] sharesWith) {
        List<SinkOutcome> resolved = new ArrayList<>(outcomes.length);
        for (int i = 0; i < outcomes.length; i++) {
            int j = i;
            while (outcomes[j] == null && sharesWith[j] >= 0) {
                j = sharesWith[j];
            }
            SinkOutcome outcome =
                    outcomes[j] == null ? new SinkOutcome.Retry("no answer for this record") : outcomes[j];
            if (j != i && outcome instanceof SinkOutcome.DeadLetter) {
                outcome = new SinkOutcome.Retry("the newer version sent in its place was rejected");
            }
            resolved.add(outcome);
        }
        return resolved;
    }

    private byte[] body(List<Action> actions, IndexRouter.Routes routes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(actions.size() * 512);
        for (Action action : actions) {
            String meta = "{\"" + (action.delete() ? "delete" : "index") + "\":{\"_index\":"
                    + quote(routes.indexOf(action.id())) + ",\"_id\":" + quote(action.id())
                    + ",\"version\":" + action.version() + ",\"version_type\":\"external\"}}\n";
            out.writeBytes(meta.getBytes(StandardCharsets.UTF_8));
            if (!action.delete()) {
                out.writeBytes(action.record().value());
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private List<SinkOutcome> items(Response response, List<Action> actions) throws IOException {
        JsonNode body;
        try (InputStream in = response.getEntity().getContent()) {
            body = JSON.readTree(in);
        }
        JsonNode items = body.path("items");
        if (!items.isArray() || items.size() != actions.size()) {
            throw new IOException("_bulk answered " + items.size() + " items for " + actions.size() + " actions");
        }
        long now = System.currentTimeMillis();
        List<SinkOutcome> outcomes = new ArrayList<>(actions.size());
        for (int a = 0; a < actions.size(); a++) {
            JsonNode item = items.get(a).elements().next();
            outcomes.add(item(actions.get(a), item, now));
        }
        return outcomes;
    }

    private SinkOutcome item(Action action, JsonNode item, long now) {
        int status = item.path("status").asInt();
        if (status >= 200 && status < 300) {
            if (action.delete()) {
                metrics.deleted(action.sourceTsMs(), now);
            } else {
                metrics.indexed(action.sourceTsMs(), now);
            }
            return SinkOutcome.DONE;
        }
        if (action.delete()
                && status == NOT_FOUND
                && "not_found".equals(item.path("result").asText())) {
            metrics.deleteNotFound(action.sourceTsMs(), now);
            return SinkOutcome.DONE;
        }
        JsonNode error = item.path("error");
        String type = error.path("type").asText("unknown");
        String reason = error.path("reason").asText(error.toString());
        if (status == CONFLICT) {
            conflict(action, reason, now);
            return SinkOutcome.DONE;
        }
        return EsErrors.classify(
                (action.delete() ? "delete " : "index ") + action.id() + " version " + action.version(),
                status,
                type,
                reason);
    }

    private void conflict(Action action, String reason, long now) {
        Matcher current = CURRENT_VERSION.matcher(reason);
        long held = current.find() ? Long.parseLong(current.group(1)) : -1;
        if (held == action.version() || action.sourceTsMs() <= 0 || now - action.sourceTsMs() > freshnessMs) {
            metrics.replayedWrite();
            return;
        }
        LOG.debug("{} version {}: Elasticsearch holds the newer {}", action.id(), action.version(), held);
        metrics.staleWrite(action.id() + " version " + action.version() + " < " + held);
    }

    private static List<SinkOutcome> failedRequest(Exception e, int actions) {
        SinkOutcome outcome;
        if (e instanceof ResponseException re) {
            int status = re.getResponse().getStatusCode();
            outcome = status == 413
                    ? new SinkOutcome.Fatal("Elasticsearch refused a _bulk request as too large (413): lower"
                            + " elasticsearch.bulk.max.bytes below its http.max_content_length")
                    : EsErrors.classify("_bulk", status, "http", re.getMessage());
        } else {
            outcome = new SinkOutcome.Retry("_bulk failed: " + e);
        }
        List<SinkOutcome> outcomes = new ArrayList<>(actions);
        for (int i = 0; i < actions; i++) {
            outcomes.add(outcome);
        }
        return outcomes;
    }
}
