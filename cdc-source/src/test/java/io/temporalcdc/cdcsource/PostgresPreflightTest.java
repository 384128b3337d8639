package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporalcdc.runtime.PreflightException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class PostgresPreflightTest {

    private final CdcSourceConfig config = new CdcSourceConfig(CdcSourceConfigTest.minimal());

    @Test
    void shouldNameBothCredentialSettingsWhenPasswordIsRejected() {
        final PreflightException e = classify(new SQLException("password authentication failed", "28P01"));

        assertThat(e.setting()).isEqualTo("database.password");
        assertThat(e.getMessage())
                .contains("database.user")
                .contains("database.password")
                .contains("'temporal'");
    }

    @Test
    void shouldNameUserWhenRoleIsRefused() {
        final PreflightException e = classify(new SQLException("no pg_hba.conf entry", "28000"));

        assertThat(e.setting()).isEqualTo("database.user");
        assertThat(e.getMessage()).contains("database.password");
    }

    @Test
    void shouldNamePortWhenConnectionIsRefused() {
        final PreflightException e =
                classify(new SQLException("Connection refused", "08001", new ConnectException("refused")));

        assertThat(e.setting()).isEqualTo("database.port");
        assertThat(e.getMessage()).contains("db.example:5432").contains("connection refused");
    }

    @Test
    void shouldNameHostnameWhenHostIsUnknown() {
        final PreflightException e =
                classify(new SQLException("attempt failed", "08001", new UnknownHostException("db.example")));

        assertThat(e.setting()).isEqualTo("database.hostname");
        assertThat(e.getMessage()).contains("unknown host 'db.example'");
    }

    @Test
    void shouldNameDbnameWhenDatabaseIsMissing() {
        assertThat(classify(new SQLException("database does not exist", "3D000"))
                        .setting())
                .isEqualTo("database.dbname");
    }

    @Test
    void shouldCreatePublicationOverBothSchemasPublishingViaPartitionRoot() {
        assertThat(Publications.createStatement("temporal_cdc"))
                .isEqualTo("CREATE PUBLICATION \"temporal_cdc\" FOR TABLES IN SCHEMA temporal, temporal_visibility"
                        + " WITH (publish_via_partition_root = true)");
    }

    @Test
    void shouldConnectWithTheEnginesTlsSettingsAndShortTimeouts() {
        final java.util.Map<String, String> settings = CdcSourceConfigTest.minimal();
        settings.put("debezium.database.sslmode", "verify-full");
        settings.put("debezium.database.sslrootcert", "/etc/ca.pem");
        settings.put("debezium.database.tcpKeepAlive", "true");

        final java.util.Properties props = PostgresPreflight.jdbcProperties(new CdcSourceConfig(settings));

        assertThat(props)
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", "/etc/ca.pem")
                .containsEntry("user", "temporal")
                .containsEntry("connectTimeout", "5")
                .doesNotContainKey("tcpKeepAlive");
    }

    private PreflightException classify(SQLException e) {
        return PostgresPreflight.ConnectionFailures.classify(e, config);
    }
}
