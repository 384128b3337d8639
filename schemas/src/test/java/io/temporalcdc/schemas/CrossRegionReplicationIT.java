package io.temporalcdc.schemas;

import static io.temporalcdc.schemas.TestDatabase.count;
import static io.temporalcdc.schemas.TestDatabase.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.Postgres;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed's cross-region logical replication (sql/replication.sql) between two databases of one PostgreSQL 15
 * server, both migrated: the publication and subscription statements as shipped, with the connection pointed at the
 * primary database and, because both sit in one cluster, the slot created beforehand (PostgreSQL cannot create it
 * from CREATE SUBSCRIPTION within the same cluster).
 */
class CrossRegionReplicationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldReplicateBothSchemasIncludingPartitionsToTheSecondary() throws Exception {
        Postgres postgres = LocalStack.shared().postgres();
        String primaryName = Names.unique("ddl-primary");
        String primaryUrl = postgres.createDatabase(primaryName);
        String secondaryUrl = TestDatabase.fresh("ddl-secondary");
        SchemaMigrator.migrate(primaryUrl, null, null);
        SchemaMigrator.migrate(secondaryUrl, null, null);
        String slot = Names.unique("ddl_sub").replace('-', '_');
        List<String> script = SqlResourcesIT.statements(SqlResourcesTest.resource("sql/replication.sql"));

        try (Connection primary = TestDatabase.connect(primaryUrl);
                Connection secondary = TestDatabase.connect(secondaryUrl)) {
            SampleRows.insertIntoEveryTable(primary);
            execute(primary, script.get(0));
            execute(primary, "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
            try {
                execute(secondary, subscription(script.get(1), postgres, primaryName, slot));
                try {
                    awaitRowCountsEqual(primary, secondary);
                    Visibility.insertStartedDaysAgo(primary, "ns-replicated", "after-sync", "T", 2, 1, 60);
                    awaitRowCountsEqual(primary, secondary);
                    assertThat(count(secondary, "SELECT count(*) FROM temporal_visibility.executions_2024_01"))
                            .isEqualTo(1);
                    await().atMost(TIMEOUT)
                            .untilAsserted(() -> assertThat(count(
                                            secondary,
                                            "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'"))
                                    .isZero());
                } finally {
                    dropSubscription(secondary);
                }
            } finally {
                await().atMost(TIMEOUT)
                        .untilAsserted(() -> execute(primary, "SELECT pg_drop_replication_slot('" + slot + "')"));
                execute(primary, "DROP PUBLICATION temporal_pub");
            }
            assertThat(count(primary, "SELECT count(*) FROM pg_replication_slots WHERE database = ?", primaryName))
                    .as("replication slots left behind")
                    .isZero();
        }
    }

    private static String subscription(String statement, Postgres postgres, String database, String slot) {
        String connection = "host=" + postgres.host() + " port=" + postgres.port() + " user=" + postgres.user()
                + " dbname=" + database;
        String rewritten = statement
                .replaceFirst("CONNECTION '[^']*'", "CONNECTION '" + connection + "'")
                .replace("create_slot = true", "create_slot = false, slot_name = '" + slot + "'");
        assertThat(rewritten).contains(connection).contains("slot_name");
        return rewritten;
    }

    private static void awaitRowCountsEqual(Connection primary, Connection secondary) {
        await().atMost(TIMEOUT).untilAsserted(() -> {
            for (String table : List.of(
                    "temporal.executions",
                    "temporal.cleanup_log",
                    "temporal_visibility.executions",
                    "temporal_visibility.custom_search_attributes",
                    "temporal_visibility.executions_template")) {
                assertThat(count(secondary, "SELECT count(*) FROM " + table))
                        .as(table)
                        .isEqualTo(count(primary, "SELECT count(*) FROM " + table))
                        .isPositive();
            }
        });
    }

    private static void dropSubscription(Connection secondary) throws Exception {
        execute(secondary, "ALTER SUBSCRIPTION temporal_sub DISABLE");
        execute(secondary, "ALTER SUBSCRIPTION temporal_sub SET (slot_name = NONE)");
        execute(secondary, "DROP SUBSCRIPTION temporal_sub");
    }
}
