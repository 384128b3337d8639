package io.temporalcdc.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConflictVersionTest {

    @Test
    void shouldOrderByLastWriteVersionThenDbRecordVersionThenRegionName() {
        assertThat(new ConflictVersion(2, 1, "a")).isGreaterThan(new ConflictVersion(1, 99, "z"));
        assertThat(new ConflictVersion(1, 6, "a")).isGreaterThan(new ConflictVersion(1, 5, "z"));
        assertThat(new ConflictVersion(1, 5, "b")).isGreaterThan(new ConflictVersion(1, 5, "a"));
        assertThat(new ConflictVersion(1, 5, "b").winsOver(new ConflictVersion(1, 5, "b")))
                .isFalse();
        assertThat(new ConflictVersion(-24, 0, "a").winsOver(null)).isTrue();
    }

    @Test
    void shouldKeepTheOrderInItsTextFormComparedByteByByte() {
        Random random = new Random(7);
        long[] values = {Long.MIN_VALUE, -24, -1, 0, 1, 9, 10, 255, 1L << 32, Long.MAX_VALUE};
        List<ConflictVersion> versions = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            versions.add(new ConflictVersion(
                    values[random.nextInt(values.length)],
                    values[random.nextInt(values.length)],
                    List.of("a", "b", "eu-west-1", "us-east-1", "us-east-10").get(random.nextInt(5))));
        }
        List<ConflictVersion> byOrder = new ArrayList<>(versions);
        Collections.sort(byOrder);
        List<ConflictVersion> byText = new ArrayList<>(versions);
        byText.sort((x, y) -> compareBytes(x.text(), y.text()));
        assertThat(byText).containsExactlyElementsOf(byOrder);
    }

    @Test
    void shouldReadBackItsTextForm() {
        ConflictVersion version = new ConflictVersion(-24, 123_456_789_012L, "us-east-1");
        assertThat(version.text())
                .startsWith("7fffffffffffffe8")
                .endsWith("us-east-1")
                .hasSize(41);
        assertThat(ConflictVersion.parse(version.text())).isEqualTo(version);
        assertThatThrownBy(() -> ConflictVersion.parse("12")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConflictVersion.parse("X".repeat(32) + "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a conflict version");
        assertThatThrownBy(() -> new ConflictVersion(1, 1, "a b")).isInstanceOf(IllegalArgumentException.class);
    }

    private static int compareBytes(String x, String y) {
        byte[] a = x.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] b = y.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return java.util.Arrays.compareUnsigned(a, b);
    }
}
