package io.temporalcdc.indexer.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.elasticsearch.EsHttp.Reply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which concrete index each write goes to, so that a rollover never splits a run over two indices.
 *
 * <p>Through a write alias (the live indexer): per batch, {@code GET _alias/<alias>} names the indices behind it and
 * the write index; when there is more than one, one realtime {@code _mget} (ids × the indices that are not the write
 * index, without sources) finds the documents that live in an index rolled over earlier, and those ids are written
 * there; every other id goes to the write index, by its concrete name. Ids of batches still in flight keep the index
 * chosen for them, so two batches of the same run never choose differently across a rollover. Writing by concrete
 * name is what makes this exact: a rollover between the lookup and the write leaves the document in the index the
 * lookup chose, which the next lookup (realtime, over every index but the write index) finds.
 *
 * <p>To a concrete index (a reindex): every id goes there; nothing is looked up.
 */
public final class IndexRouter {
    private static final Logger LOG = LoggerFactory.getLogger(IndexRouter.class);
    private static final int NOT_FOUND = 404;

    private final EsHttp http;
    private final String target;
    private final boolean alias;
    private final Map<String, Placement> inFlight = new HashMap<>();

    private static final class Placement {
        private final String index;
        private int batches;

        Placement(String index) {
            this.index = index;
        }
    }

    private IndexRouter(Rest5Client rest, String target, boolean alias) {
        this.http = new EsHttp(rest);
        this.target = Objects.requireNonNull(target, "target");
        this.alias = alias;
    }

    /** @return a router for the live indexer's writes through the write alias {@code alias} */
    public static IndexRouter throughAlias(Rest5Client rest, String alias) {
        return new IndexRouter(rest, alias, true);
    }

    /** @return a router that sends every write to the concrete index {@code index} */
    public static IndexRouter toIndex(Rest5Client rest, String index) {
        return new IndexRouter(rest, index, false);
    }

    /** @return the alias or index this router writes to */
    public String target() {
        return target;
    }

    /** Why a batch cannot be routed: transient (retry) or not (stop). */
    public static final class RoutingException extends Exception {
        private final boolean transientFailure;

        RoutingException(String message, boolean transientFailure) {
            super(message);
            this.transientFailure = transientFailure;
        }

        /** @return whether retrying may succeed */
        public boolean isTransient() {
            return transientFailure;
        }
    }

    /** Where one batch goes: the concrete index of each id. Hand it back with {@link #release} when written. */
    public static final class Routes {
        private final Map<String, Placement> placements;
        private final String only;

        private Routes(Map<String, Placement> placements, String only) {
            this.placements = placements;
            this.only = only;
        }

        /** @return the concrete index of {@code id} */
        public String indexOf(String id) {
            return only != null ? only : placements.get(id).index;
        }
    }

    /**
     * @param ids the distinct document ids of one batch
     * @return the concrete index of every id, registered as in flight until {@link #release}
     */
    public Routes route(Collection<String> ids) throws IOException, RoutingException {
        if (!alias) {
            return new Routes(Map.of(), target);
        }
        Behind behind = behindAlias();
        java.util.Set<String> current = new java.util.HashSet<>(behind.older());
        current.add(behind.writeIndex());
        List<String> unplaced = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        synchronized (inFlight) {
            for (String id : ids) {
                Placement placement = inFlight.get(id);
                if (placement == null || !current.contains(placement.index)) {
                    unplaced.add(id);
                } else {
                    seen.put(id, placement.index);
                }
            }
        }
        Map<String, String> found = behind.older().isEmpty() ? Map.of() : lookUp(unplaced, behind.older());
        Map<String, Placement> placements = new HashMap<>();
        synchronized (inFlight) {
            for (String id : ids) {
                Placement placement = inFlight.get(id);
                // a batch in flight placed this id in an index still behind the alias: its choice holds; a placement
                // in an index that left the alias (a reindex swapped it out) does not
                if (placement == null || !current.contains(placement.index)) {
                    String index = seen.getOrDefault(id, found.getOrDefault(id, behind.writeIndex()));
                    placement = new Placement(index);
                    inFlight.put(id, placement);
                }
                placement.batches++;
                placements.put(id, placement);
            }
        }
        return new Routes(placements, null);
    }

    /** Forgets the batch's placements once its write completed (whatever its outcome). */
    public void release(Routes routes) {
        if (routes.only != null) {
            return;
        }
        synchronized (inFlight) {
            routes.placements.forEach((id, placement) -> {
                if (--placement.batches <= 0 && inFlight.get(id) == placement) {
                    inFlight.remove(id);
                }
            });
        }
    }

    /** The indices behind the alias: the write index and the others, oldest first. */
    record Behind(String writeIndex, List<String> older) {}

    Behind behindAlias() throws IOException, RoutingException {
        Reply reply = http.call("GET", "/_alias/" + target, null);
        if (reply.status() == NOT_FOUND) {
            throw new RoutingException(
                    "the write alias " + target + " does not exist (" + reply.describe()
                            + "): restore it (the indexer installs it at start-up) or reindex",
                    false);
        }
        if (!reply.ok()) {
            throw new RoutingException(reply.describe(), EsErrors.isTransientStatus(reply.status()));
        }
        return behind(target, reply.body());
    }

    /** @return the write index and the other indices of {@code alias} in a {@code GET _alias} answer */
    static Behind behind(String alias, JsonNode answer) throws RoutingException {
        List<String> indices = new ArrayList<>();
        String writeIndex = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = answer.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode meta = entry.getValue().path("aliases").path(alias);
            if (meta.isMissingNode()) {
                continue;
            }
            indices.add(entry.getKey());
            if (meta.path("is_write_index").asBoolean(false)) {
                writeIndex = entry.getKey();
            }
        }
        indices.sort(null);
        if (writeIndex == null && indices.size() == 1) {
            writeIndex = indices.get(0);
        }
        if (writeIndex == null) {
            throw new RoutingException(
                    "the alias " + alias + " points to " + indices + " and none is its write index (is_write_index)",
                    false);
        }
        List<String> older = new ArrayList<>(indices);
        older.remove(writeIndex);
        return new Behind(writeIndex, List.copyOf(older));
    }

    /** @return the ids found in {@code older}, with the index holding each (realtime: unrefreshed writes count) */
    private Map<String, String> lookUp(List<String> ids, List<String> older) throws IOException, RoutingException {
        if (ids.isEmpty()) {
            return Map.of();
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode docs = body.putArray("docs");
        for (String id : ids) {
            for (String index : older) {
                docs.addObject().put("_index", index).put("_id", id);
            }
        }
        Reply reply = http.call("POST", "/_mget?realtime=true&_source=false", body);
        if (!reply.ok()) {
            throw new RoutingException(reply.describe(), EsErrors.isTransientStatus(reply.status()));
        }
        Map<String, String> found = new HashMap<>();
        for (JsonNode doc : reply.body().path("docs")) {
            if (doc.has("error")) {
                throw new RoutingException(
                        "_mget of " + doc.path("_index").asText() + "/"
                                + doc.path("_id").asText() + ": " + doc.path("error"),
                        true);
            }
            if (doc.path("found").asBoolean(false)) {
                String id = doc.path("_id").asText();
                String index = doc.path("_index").asText();
                String earlier = found.putIfAbsent(id, index);
                if (earlier != null && !earlier.equals(index)) {
                    LOG.warn("{} has a document in both {} and {}: writing to {}", id, earlier, index, earlier);
                }
            }
        }
        return found;
    }
}
