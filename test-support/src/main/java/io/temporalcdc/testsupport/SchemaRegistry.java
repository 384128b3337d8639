package io.temporalcdc.testsupport;

import java.nio.file.Path;

/**
 * The stack's schema registry: Apicurio Registry 2.4.2 (in-memory storage) speaking the Confluent Schema Registry
 * REST API under {@code /apis/ccompat/v7}. Subjects are global: a test names its own (its topics are unique).
 */
public interface SchemaRegistry {

    /** The Confluent-compatible API: {@code http://127.0.0.1:P/apis/ccompat/v7}. */
    String url();

    /** The server's log file. */
    Path logFile();
}
