package io.temporalcdc.indexer;

/** What Elasticsearch acknowledged for one write. */
public enum WriteOutcome {
    /** The write was applied. */
    APPLIED,
    /** The stored document already has this or a newer version (409): nothing to do. */
    STALE,
    /** A delete found no document (it still records the version). */
    NOT_FOUND
}
