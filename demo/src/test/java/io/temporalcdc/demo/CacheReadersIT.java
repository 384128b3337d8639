package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.temporalcdc.testsupport.LocalStack;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The demo's cache readers and their stale check, without an invalidator: values read while nothing changes stay
 * equal to the database; once the database changes behind the cache's back, the check names the keys.
 */
class CacheReadersIT {

    /** A logical database of the shared Redis that only this test uses, emptied first. */
    private static final int REDIS_DATABASE = 9;

    @Test
    void shouldFindCachedValuesEqualUntilTheDatabaseChangesWithoutAnInvalidation() throws Exception {
        String jdbcUrl = Databases.freshWithSchema("readers");
        String redisUri = LocalStack.shared().redis().uri() + "/" + REDIS_DATABASE;
        flush(redisUri);
        try (WorkloadGenerator generator = new WorkloadGenerator(jdbcUrl, 50, 2)) {
            generator.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> generator.workflowsStarted() > 40);
            generator.stop();

            try (CacheReaders readers = new CacheReaders(jdbcUrl, redisUri, generator.recentlyTouched())) {
                readers.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> readers.reads() > 300);
                readers.stop();

                CacheReport unchanged = readers.check(Latency.UNKNOWN);
                assertThat(unchanged.stale()).isEmpty();
                assertThat(unchanged.keysChecked()).isPositive();
                assertThat(unchanged.fills()).isPositive();
                assertThat(unchanged.refused())
                        .as("no fence without an invalidator")
                        .isZero();
                assertThat(unchanged.hits()).isPositive();
                assertThat(readers.errors()).isZero();

                Databases.execute(jdbcUrl, "UPDATE temporal.executions SET db_record_version = db_record_version + 1");
                CacheReport changed = readers.check(Latency.UNKNOWN);

                assertThat(changed.isClean()).isFalse();
                assertThat(changed.stale())
                        .allSatisfy(stale -> assertThat(stale)
                                .startsWith("wf_meta:")
                                .contains(": cached executions=")
                                .contains(", database executions="));
            }
        }
    }

    private static void flush(String redisUri) {
        RedisClient client = RedisClient.create(redisUri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().flushdb();
        } finally {
            client.shutdown();
        }
    }
}
