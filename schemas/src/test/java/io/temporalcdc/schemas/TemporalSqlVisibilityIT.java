package io.temporalcdc.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** Temporal's SQL visibility table and its writes on PostgreSQL: the upsert keeps a row only when _version grows. */
class TemporalSqlVisibilityIT {
    private static final String NS = "ns-1";
    private static final String RUN = "run-1";

    private static int write(Connection c, String sql, long version, int status) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            LocalDateTime start = LocalDateTime.of(2026, 11, 30, 8, 0);
            Object[] values = {
                NS,
                RUN,
                version,
                Timestamp.valueOf(start),
                Timestamp.valueOf(start),
                "wf-1",
                "OrderWorkflow",
                status,
                null,
                null,
                null,
                null,
                null,
                new byte[] {1, 2},
                "Proto3",
                "orders",
                "{\"Keyword01\":\"gold\"}",
                null,
                null,
                "wf-1",
                RUN
            };
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            return ps.executeUpdate();
        }
    }

    @Test
    void shouldKeepARowOnlyWhenItsVersionGrows() throws Exception {
        String url = TestDatabase.fresh("temporal-sql-visibility");
        try (Connection c = TestDatabase.connect(url)) {
            TemporalSqlVisibility.create(c, "public");
            assertThat(write(c, TemporalSqlVisibility.INSERT_STARTED, 10, 1)).isEqualTo(1);
            assertThat(write(c, TemporalSqlVisibility.UPSERT, 30, 2)).isEqualTo(1);
            assertThat(write(c, TemporalSqlVisibility.UPSERT, 20, 3)).isZero(); // out of order: refused
            assertThat(write(c, TemporalSqlVisibility.INSERT_STARTED, 40, 1)).isZero(); // never overwrites
            assertThat(TestDatabase.single(c, "SELECT _version || ':' || status FROM executions_visibility"))
                    .isEqualTo("30:2");
            assertThat(TestDatabase.single(c, "SELECT keyword01 FROM executions_visibility"))
                    .isEqualTo("gold");
            try (PreparedStatement delete = c.prepareStatement(TemporalSqlVisibility.DELETE)) {
                delete.setString(1, NS);
                delete.setString(2, RUN);
                assertThat(delete.executeUpdate()).isEqualTo(1);
            }
            assertThat(TestDatabase.count(c, "SELECT count(*) FROM executions_visibility"))
                    .isZero();
        }
    }
}
