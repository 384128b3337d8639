package io.temporalcdc.testsupport;

import java.nio.file.Path;

/**
 * The stack's Elasticsearch node: single node, security off, on 127.0.0.1. It is the
 * integration-test distribution: no ILM, and {@code GET /} answers 405 (use {@code _cluster/health}).
 */
public interface Elasticsearch {

    /** {@code http://127.0.0.1:P}. */
    String url();

    /** The node's main log file. */
    Path logFile();
}
