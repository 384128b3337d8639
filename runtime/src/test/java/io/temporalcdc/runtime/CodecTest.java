package io.temporalcdc.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporalcdc.runtime.version.ChangePosition;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {

    @Test
    void shouldRoundTripEveryFieldInOrder() {
        ChangePosition position = new ChangePosition(1, 500L, 520L, false, true);
        byte[] bytes = new Codec.Writer(7)
                .bool(true)
                .number(-42)
                .text("héllo")
                .text(null)
                .blob(new byte[] {1, 2})
                .position(position)
                .position(null)
                .varint(-1)
                .bytes();

        Codec.Reader in = new Codec.Reader(bytes, 7, "a test record");

        assertThat(in.bool()).isTrue();
        assertThat(in.number()).isEqualTo(-42);
        assertThat(in.text()).isEqualTo("héllo");
        assertThat(in.text()).isNull();
        assertThat(in.blob()).containsExactly(1, 2);
        assertThat(in.position()).isEqualTo(position);
        assertThat(in.position()).isNull();
        assertThat(in.varint()).isEqualTo(-1);
    }

    @Test
    void shouldWriteSmallVarintsOfEitherSignInOneByteAndKeepTheExtremes() {
        for (long value : List.of(0L, 1L, -1L, 63L, -64L)) {
            assertThat(new Codec.Writer(1).varint(value).bytes())
                    .as("%d", value)
                    .hasSize(2);
        }
        for (long value : List.of(64L, 300L, -300L, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE)) {
            byte[] bytes = new Codec.Writer(1).varint(value).bytes();
            assertThat(new Codec.Reader(bytes, 1, "a varint").varint())
                    .as("%d", value)
                    .isEqualTo(value);
        }
        assertThat(new Codec.Writer(1).varint(Long.MIN_VALUE).bytes()).hasSize(11);
    }

    @Test
    void shouldRefuseAnotherFormatAndATruncatedRecord() {
        byte[] bytes = new Codec.Writer(2).number(5).bytes();

        assertThatThrownBy(() -> new Codec.Reader(bytes, 3, "a day"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a day has format 2, expected 3");
        Codec.Reader in = new Codec.Reader(bytes, 2, "a day");
        in.number();
        assertThatThrownBy(in::number).hasMessageContaining("truncated");
    }
}
