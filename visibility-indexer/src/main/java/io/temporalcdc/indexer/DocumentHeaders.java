package io.temporalcdc.indexer;

import io.temporalcdc.runtime.DecimalHeaders;
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
    public static final String SOURCE_TS_MS = DecimalHeaders.SOURCE_TS_MS;

    private DocumentHeaders() {}

    /** @return the headers of a document record */
    public static Headers of(long version, long sourceTsMs) {
        Headers headers = new RecordHeaders();
        DecimalHeaders.add(headers, VERSION, version);
        DecimalHeaders.add(headers, SOURCE_TS_MS, sourceTsMs);
        return headers;
    }

    /** @return the decimal header {@code name}, or -1 when it is absent or not a non-negative number */
    public static long number(Headers headers, String name) {
        return DecimalHeaders.read(headers, name);
    }
}
