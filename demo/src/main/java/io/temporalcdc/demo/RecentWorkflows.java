package io.temporalcdc.demo;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.random.RandomGenerator;

/**
 * The workflows the generator touched last, for the demo's cache readers: a fixed ring of the latest {@code
 * capacity} entries, written by the generator's threads and read by the readers' without locks. Older entries are
 * overwritten, so it never grows.
 */
final class RecentWorkflows {

    /** The capacity the generator uses: about the last few seconds of its default load. */
    static final int DEFAULT_CAPACITY = 1000;

    private final AtomicReferenceArray<TouchedWorkflow> slots;
    private final AtomicLong added = new AtomicLong();

    RecentWorkflows(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    void add(TouchedWorkflow workflow) {
        slots.set((int) (added.getAndIncrement() % slots.length()), workflow);
    }

    /** One of the entries held, chosen at random; empty before the first. */
    Optional<TouchedWorkflow> pick(RandomGenerator random) {
        long count = Math.min(added.get(), slots.length());
        // a slot claimed but not yet written reads null: empty, the caller tries again
        return count == 0 ? Optional.empty() : Optional.ofNullable(slots.get(random.nextInt((int) count)));
    }

    /** The entry added last; empty before the first. */
    Optional<TouchedWorkflow> latest() {
        long last = added.get() - 1;
        return last < 0 ? Optional.empty() : Optional.ofNullable(slots.get((int) (last % slots.length())));
    }

    /** How many entries were ever added (the ring holds the last {@code capacity} of them). */
    long added() {
        return added.get();
    }
}
