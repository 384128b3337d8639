package io.temporalcdc.indexer.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Result;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.transport.TransportException;
import io.temporalcdc.indexer.EsWriter;
import io.temporalcdc.indexer.VisibilityDocument;
import io.temporalcdc.indexer.WriteOutcome;
import java.io.IOException;

/**
 * The production {@link EsWriter}: one synchronous request per change, through the write alias, with
 * {@code version_type=external}. Index requests set {@code require_alias}, so a missing alias fails loudly
 * instead of auto-creating an unmapped index with the alias's name.
 */
public final class ElasticsearchEsWriter implements EsWriter {
    private static final int CONFLICT = 409;
    private static final int NOT_FOUND = 404;

    private final ElasticsearchClient client;
    private final String alias;

    /**
     * @param client the typed client
     * @param alias the write alias
     */
    public ElasticsearchEsWriter(ElasticsearchClient client, String alias) {
        this.client = client;
        this.alias = alias;
    }

    @Override
    public WriteOutcome index(VisibilityDocument document, long version) {
        String operation = "index " + alias + "/" + document.id() + " version " + version;
        try {
            client.index(i -> i.index(alias)
                    .id(document.id())
                    .document(document.source())
                    .versionType(VersionType.External)
                    .version(version)
                    .requireAlias(true));
            return WriteOutcome.APPLIED;
        } catch (ElasticsearchException e) {
            if (e.status() == CONFLICT) {
                return WriteOutcome.STALE;
            }
            throw EsErrors.classify(operation, e);
        } catch (IOException e) {
            throw EsErrors.classify(operation, e);
        }
    }

    @Override
    public WriteOutcome delete(String id, long version) {
        String operation = "delete " + alias + "/" + id + " version " + version;
        try {
            Result result = client.delete(d -> d.index(alias)
                            .id(id)
                            .versionType(VersionType.External)
                            .version(version))
                    .result();
            return result == Result.NotFound ? WriteOutcome.NOT_FOUND : WriteOutcome.APPLIED;
        } catch (ElasticsearchException e) {
            if (e.status() == CONFLICT) {
                return WriteOutcome.STALE;
            }
            throw EsErrors.classify(operation, e);
        } catch (TransportException e) {
            if (e.statusCode() == NOT_FOUND) {
                return WriteOutcome.NOT_FOUND;
            }
            throw EsErrors.classify(operation, e);
        } catch (IOException e) {
            throw EsErrors.classify(operation, e);
        }
    }
}
