package io.temporalcdc.crossregion;

/**
 * One row change as one region's change stream carries it.
 *
 * @param table {@code schema.table}
 * @param key the row's primary key, canonical JSON (fields sorted, {@code char(n)} padding removed)
 * @param region the region whose database the change was captured in
 * @param version the row version after the change ({@link RowVersions}); {@link RowVersions#DELETED} for a delete
 * @param commitMs the commit time the region's database reports, epoch milliseconds (Debezium's {@code source.ts_ms});
 *     for a transaction the region applied from a subscription, PostgreSQL reports its origin's commit time
 * @param capturedMs when the region's cdc-source captured it (the Kafka record's timestamp, kept by MirrorMaker 2)
 * @param snapshot whether a snapshot read it (its time is the snapshot's, not a commit's)
 */
public record RowChange(
        String table, String key, String region, String version, long commitMs, long capturedMs, boolean snapshot) {
    /** @return the state key of the row: table and key */
    public String rowKey() {
        return table + '\0' + key;
    }
}
