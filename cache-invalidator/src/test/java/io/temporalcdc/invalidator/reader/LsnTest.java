package io.temporalcdc.invalidator.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LsnTest {

    @Test
    void shouldReadAndPrintPgLsnAsPostgresDoes() {
        assertThat(Lsn.parse("16/B374D848")).isEqualTo(0x16_B374_D848L);
        assertThat(Lsn.parse("0/0")).isZero();
        assertThat(Lsn.format(0x16_B374_D848L)).isEqualTo("16/B374D848");
        assertThat(Lsn.parse(Lsn.format(0xFFFF_FFFF_0000_0001L))).isEqualTo(0xFFFF_FFFF_0000_0001L);
    }

    @Test
    void shouldWriteSixteenHexDigitsThatSortLikeTheNumbers() {
        assertThat(Lsn.hex(0x16_B374_D848L)).isEqualTo("00000016b374d848");
        assertThat(Lsn.fromHex("00000016b374d848")).isEqualTo(0x16_B374_D848L);
        assertThat(Lsn.hex(0x1_0000_0000L).compareTo(Lsn.hex(0xFFFF_FFFFL))).isPositive();
    }

    @Test
    void shouldRefuseWhatIsNotAnLsn() {
        assertThatThrownBy(() -> Lsn.parse("16B374D848")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Lsn.parse("0/XYZ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Lsn.parse("/1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Lsn.fromHex("abc")).isInstanceOf(IllegalArgumentException.class);
    }
}
