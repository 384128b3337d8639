package io.temporalcdc.schemas;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SchemaMigratorTest {

    @Test
    void shouldReportAnUnreachableDatabaseAsSchemaExceptionNamingTheUrl() {
        String url = "jdbc:postgresql://127.0.0.1:1/temporal?connectTimeout=2";
        assertThatThrownBy(() -> SchemaMigrator.migrate(url, "temporal", ""))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining(url)
                .hasCauseInstanceOf(org.flywaydb.core.api.FlywayException.class);
    }
}
