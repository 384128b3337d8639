package io.temporalcdc.cli;

import io.temporalcdc.indexer.elasticsearch.EsConnection;
import java.net.URI;
import java.util.List;
import picocli.CommandLine.Option;

/** How to reach Elasticsearch. */
public final class ElasticsearchOptions {
    @Option(
            names = "--elasticsearch",
            paramLabel = "URL",
            description = "Elasticsearch base URL, e.g. http://127.0.0.1:9200.")
    URI url;

    @Option(
            names = "--elasticsearch-username",
            paramLabel = "USER",
            description = "User for basic authentication (the password from TCDC_ELASTICSEARCH_PASSWORD).")
    String username;

    /** @return whether a URL was given */
    public boolean given() {
        return url != null;
    }

    /** @return the base URL as text, without a trailing slash */
    public String baseUrl() {
        String text = url.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /** @return user and password (from {@code TCDC_ELASTICSEARCH_PASSWORD}), or two nulls */
    public String[] credentials() {
        return new String[] {username, username == null ? null : System.getenv("TCDC_ELASTICSEARCH_PASSWORD")};
    }

    /** @return a connection; the caller closes it */
    public EsConnection open() {
        if (url == null) {
            throw new CliException("--elasticsearch URL is required here");
        }
        return EsConnection.open(List.of(url), username, System.getenv("TCDC_ELASTICSEARCH_PASSWORD"));
    }
}
