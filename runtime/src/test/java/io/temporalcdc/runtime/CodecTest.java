package io.temporalcdc.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporalcdc.runtime.version.ChangePosition;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    void shouldKeepTheLayoutDataOutputStreamWrote() throws IOException {
        // stores and changelogs written before the codec stopped using DataOutputStream must still read
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(expected);
        out.writeByte(4);
        out.writeBoolean(true);
        out.writeLong(-1234567890123L);
        out.writeInt(3);
        out.write(new byte[] {9, 8, 7});
        out.writeInt(-1);
        out.writeLong(Long.MIN_VALUE);

        byte[] written = new Codec.Writer(4)
                .bool(true)
                .number(-1234567890123L)
                .blob(new byte[] {9, 8, 7})
                .blob(null)
                .number(Long.MIN_VALUE)
                .bytes();

        assertThat(written).isEqualTo(expected.toByteArray());
        Codec.Reader in = new Codec.Reader(expected.toByteArray(), 4, "an old record");
        assertThat(in.bool()).isTrue();
        assertThat(in.number()).isEqualTo(-1234567890123L);
        assertThat(in.blob()).containsExactly(9, 8, 7);
        assertThat(in.blob()).isNull();
        assertThat(in.number()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void shouldGrowPastItsFirstBuffer() {
        byte[] large = new byte[10_000];
        large[9_999] = 42;
        Codec.Writer writer = new Codec.Writer(1);
        for (int i = 0; i < 100; i++) {
            writer.varint(i * 1_000_003L);
        }
        byte[] bytes = writer.blob(large).text("end").bytes();

        Codec.Reader in = new Codec.Reader(bytes, 1, "a large record");
        for (int i = 0; i < 100; i++) {
            assertThat(in.varint()).isEqualTo(i * 1_000_003L);
        }
        assertThat(in.blob()).hasSize(10_000).endsWith(42);
        assertThat(in.text()).isEqualTo("end");
    }

    @Test
    void shouldRefuseAnotherFormatAndATruncatedRecord() {
        byte[] bytes = new Codec.Writer(2).number(5).bytes();

        assertThatThrownBy(() -> new Codec.Reader(bytes, 3, "a day"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a day has format 2, expected 3");
        Codec.Reader in = new Codec.Reader(bytes, 2, "a day");
        in.number();
        // the type it always had: a caller that maps IllegalStateException to "retry" must not retry a corrupt record
        assertThatThrownBy(in::number).isInstanceOf(UncheckedIOException.class).hasMessageContaining("truncated");
        byte[] cut = new Codec.Writer(2).text("abcdef").bytes();
        assertThatThrownBy(() -> new Codec.Reader(java.util.Arrays.copyOf(cut, cut.length - 2), 2, "a day").text())
                .hasMessageContaining("truncated internal record");
    }
}
