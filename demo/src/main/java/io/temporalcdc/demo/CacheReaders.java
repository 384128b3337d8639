package io.temporalcdc.demo;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.temporalcdc.invalidator.reader.CacheAside;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services reading Temporal's data through the seed's Redis caches while the generator writes and the invalidator
 * runs: one thread per database to read (the primary, and in the demo a replica that lags on purpose), a JDBC
 * connection each (autocommit, READ COMMITTED) and one shared Lettuce connection, read the keys of workflows the
 * generator just touched ({@link RecentWorkflows}) with {@link CacheAside}: a hit is used; a miss reads the version,
 * then the value ({@link CachedKey}), then fills the key, which a newer fence refuses.
 *
 * <p>Every key read is remembered: after the drain, {@link #check} compares each one still cached with the primary.
 */
final class CacheReaders implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheReaders.class);
    /** Between two reads of a thread: at most 2 x 200 reads/s, a small share of the database next to the writer. */
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final List<String> jdbcUrls;
    private final RecentWorkflows recent;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> redis;
    private final CacheAside cache;
    private final Map<String, CachedKey> read = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong fills = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong[] refusedBySource;
    private final AtomicLong errors = new AtomicLong();

    /** Two readers of the primary. */
    CacheReaders(String jdbcUrl, String redisUri, RecentWorkflows recent) {
        this(List.of(jdbcUrl, jdbcUrl), redisUri, recent);
    }

    /**
     * @param jdbcUrls what each reader thread reads: the PostgreSQL primary first (the truth {@link #check} compares
     *     with), then the primary again or a replica of it
     * @param redisUri the Redis the invalidator keeps fresh
     * @param recent where the workflows to read come from
     */
    CacheReaders(List<String> jdbcUrls, String redisUri, RecentWorkflows recent) {
        this.jdbcUrls = List.copyOf(jdbcUrls);
        this.recent = recent;
        this.refusedBySource = new AtomicLong[jdbcUrls.size()];
        for (int i = 0; i < refusedBySource.length; i++) {
            refusedBySource[i] = new AtomicLong();
        }
        this.client = RedisClient.create(redisUri);
        try {
            this.redis = client.connect();
        } catch (RedisException e) {
            client.shutdown();
            throw new IllegalStateException("cache readers: cannot connect to Redis at " + redisUri, e);
        }
        this.cache = new CacheAside(redis);
    }

    /** Starts the reader threads; they read until {@link #stop()}. */
    synchronized void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        for (int i = 0; i < jdbcUrls.size(); i++) {
            int source = i;
            threads.add(Thread.ofPlatform().name("cache-reader-" + i).daemon().start(() -> work(source)));
        }
        LOG.info(
                "Cache readers started: {} threads reading wf_meta: and tq_info: keys through Redis, filling from {}",
                jdbcUrls.size(),
                jdbcUrls);
    }

    /** Stops reading and waits for the threads. */
    synchronized void stop() {
        if (!running.getAndSet(false)) {
            return;
        }
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
        LOG.info(
                "Cache readers stopped: {} reads, {} hits, {} fills ({} refused by a fence; by reader: {}), {} keys,"
                        + " {} errors",
                reads.get(),
                hits.get(),
                fills.get(),
                refused.get(),
                Arrays.toString(refusedBySource),
                read.size(),
                errors.get());
    }

    /**
     * Compares every key read that is still cached with what the database holds now (call it after the readers
     * stopped and the invalidator drained).
     */
    CacheReport check(Latency invalidated) throws SQLException {
        int checked = 0;
        List<String> stale = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrls.get(0))) {
            for (CachedKey key : read.values()) {
                Optional<String> cached = cache.get(key.key());
                if (cached.isEmpty()) {
                    continue; // invalidated (or expired) since its last fill
                }
                checked++;
                String current = key.read(connection);
                if (!current.equals(cached.get())) {
                    stale.add(key.key() + ": cached " + cached.get() + ", database " + current);
                }
            }
        }
        return new CacheReport(checked, stale, reads.get(), hits.get(), fills.get(), refused.get(), invalidated);
    }

    /** Reads through the cache so far. */
    long reads() {
        return reads.get();
    }

    /** Reads or fills that failed (logged; the readers carry on). */
    long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        stop();
        redis.close();
        client.shutdown();
    }

    /** Fills refused by a fence, of the reader of {@code source} (an index into the URLs). */
    long refused(int source) {
        return refusedBySource[source].get();
    }

    private void work(int source) {
        while (running.get()) {
            try (Connection connection = DriverManager.getConnection(jdbcUrls.get(source))) {
                connection.setAutoCommit(true);
                readWhileRunning(connection, source);
            } catch (SQLException | RuntimeException e) {
                errors.incrementAndGet();
                LOG.warn("Cache reader failed, carrying on with a new connection: {}", e.toString());
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    private void readWhileRunning(Connection connection, int source) throws SQLException {
        while (running.get()) {
            Optional<CachedKey> key = nextKey();
            if (key.isPresent()) {
                readThrough(connection, key.get(), source);
            }
            LockSupport.parkNanos(PAUSE_NANOS);
        }
    }

    /**
     * A key of a recently touched workflow: the latest one a third of the time (it may be changing right now, the race
     * the fences are for), any of the ring otherwise; its task queue's key one read in four.
     */
    private Optional<CachedKey> nextKey() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Optional<TouchedWorkflow> workflow = random.nextInt(3) == 0 ? recent.latest() : recent.pick(random);
        return workflow.map(w -> random.nextInt(4) == 0 ? CachedKey.taskQueueInfo(w) : CachedKey.workflowMeta(w));
    }

    private void readThrough(Connection connection, CachedKey key, int source) throws SQLException {
        read.putIfAbsent(key.key(), key);
        reads.incrementAndGet();
        if (cache.get(key.key()).isPresent()) {
            hits.incrementAndGet();
            return;
        }
        // the protocol: the version first, in its own statement, then the value on the same connection
        long version = CacheAside.readVersion(connection);
        String value = key.read(connection);
        fills.incrementAndGet();
        if (!cache.fill(key.key(), value, version, key.ttl())) {
            refused.incrementAndGet();
            refusedBySource[source].incrementAndGet();
        }
    }
}
