package io.temporalcdc.indexer;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a record of the documents topic ({@code <prefix>.visibility.documents}): the external version
 * (decimal text, as Kafka Connect's {@code SimpleHeaderConverter} reads a number, so Confluent's Elasticsearch sink
 * can use it with {@code external.version.header=version}) and the source commit time.
 */
public final class DocumentHeaders {
    /** The document's external version, decimal. */
    public static final String VERSION = "version";
    /** The source commit time of the change that produced it, epoch milliseconds, decimal. */
    public static final String SOURCE_TS_MS = "source.ts.ms";

    private DocumentHeaders() {}

    /** @return the headers of a document record */
    public static Headers of(long version, long sourceTsMs) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(VERSION, Long.toString(version).getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE_TS_MS, Long.toString(sourceTsMs).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** @return the decimal header {@code name}, or -1 when it is absent or not a non-negative number */
    public static long number(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return -1;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
