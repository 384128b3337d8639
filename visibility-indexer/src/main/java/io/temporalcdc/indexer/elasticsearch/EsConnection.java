package io.temporalcdc.indexer.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import co.elastic.clients.transport.rest5_client.low_level.Rest5ClientBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * One Elasticsearch connection pool: the low-level REST client (used for the index installation, whose
 * requests are plain JSON) and the typed client on top of it (used for document writes), sharing the same
 * HTTP connections. Documents are serialized with Jackson 2.
 */
public final class EsConnection implements AutoCloseable {
    private final Rest5Client rest;
    private final ElasticsearchClient client;

    private EsConnection(Rest5Client rest) {
        this.rest = rest;
        this.client =
                new ElasticsearchClient(new Rest5ClientTransport(rest, new JacksonJsonpMapper(new ObjectMapper())));
    }

    /**
     * @param urls the base URLs of the cluster's nodes
     * @param username user for basic authentication, or null for none
     * @param password its password
     */
    public static EsConnection open(List<URI> urls, String username, String password) {
        Rest5ClientBuilder builder = Rest5Client.builder(urls);
        if (username != null && !username.isEmpty()) {
            String token = Base64.getEncoder()
                    .encodeToString(
                            (username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "Basic " + token)});
        }
        return new EsConnection(builder.build());
    }

    /** @return the low-level REST client */
    public Rest5Client rest() {
        return rest;
    }

    /** @return the typed client */
    public ElasticsearchClient client() {
        return client;
    }

    @Override
    public void close() throws IOException {
        rest.close();
    }
}
