package io.temporalcdc.crossregion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RowVersionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldUseTemporalsVersionsWhereTheRowHasThem() throws Exception {
        assertThat(RowVersions.of(JSON.readTree("{\"last_write_version\":7,\"db_record_version\":3,\"data\":\"x\"}")))
                .isEqualTo("lwv=7,drv=3");
        assertThat(RowVersions.of(JSON.readTree("{\"db_record_version\":3}"))).isEqualTo("drv=3");
    }

    @Test
    void shouldHashTheCanonicalRowOtherwiseIgnoringFieldOrderAndCharPadding() throws Exception {
        String one = RowVersions.of(JSON.readTree("{\"namespace_id\":\"ns   \",\"status\":1}"));
        String same = RowVersions.of(JSON.readTree("{\"status\":1,\"namespace_id\":\"ns\"}"));
        String other = RowVersions.of(JSON.readTree("{\"status\":2,\"namespace_id\":\"ns\"}"));

        assertThat(one).startsWith("sha256=").isEqualTo(same).isNotEqualTo(other);
    }
}
