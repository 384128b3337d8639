package io.temporalcdc.runtime.sink;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition may be committed: everything below the lowest record not yet acknowledged (or
 * after the last record read, when every one is acknowledged). Records complete out of order when several batches
 * are in flight; the committed position only ever covers a contiguous acknowledged prefix.
 */
final class OffsetTracker {
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    private static final class Partition {
        private final TreeSet<Long> pending = new TreeSet<>();
        private long next = -1;
        private long committed = -1;

        long position() {
            return pending.isEmpty() ? next : pending.first();
        }
    }

    /** A record was read and is now owed an acknowledgement. */
    void read(TopicPartition tp, long offset) {
        Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
        p.pending.add(offset);
        p.next = Math.max(p.next, offset + 1);
    }

    /** A record was acknowledged; unknown partitions or offsets are ignored. */
    void acknowledged(TopicPartition tp, long offset) {
        Partition p = partitions.get(tp);
        if (p != null) {
            p.pending.remove(offset);
        }
    }

    /** @return how many records of {@code tp} are read but not acknowledged */
    int pending(TopicPartition tp) {
        Partition p = partitions.get(tp);
        return p == null ? 0 : p.pending.size();
    }

    /** @return the positions that moved past what was committed, for every partition */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        return committable(partitions.keySet());
    }

    /** @return the positions that moved past what was committed, for {@code tps} */
    Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> tps) {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        for (TopicPartition tp : tps) {
            Partition p = partitions.get(tp);
            if (p != null && p.position() > p.committed) {
                result.put(
                        tp,
                        new OffsetAndMetadata(
                                p.position(), AcknowledgingSink.COMMITTED_AT + System.currentTimeMillis()));
            }
        }
        return result;
    }

    /** The broker accepted these positions. */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            Partition p = partitions.get(tp);
            if (p != null) {
                p.committed = Math.max(p.committed, om.offset());
            }
        });
    }

    /** Forgets partitions that were revoked or lost. */
    void remove(Collection<TopicPartition> tps) {
        tps.forEach(partitions::remove);
    }
}
