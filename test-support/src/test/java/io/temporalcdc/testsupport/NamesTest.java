package io.temporalcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void shouldKeepOnlyLowercaseLettersDigitsAndDashes() {
        assertThat(Names.unique("My_Test.Topic Name#1"))
                .matches("[a-z0-9][a-z0-9-]*")
                .startsWith("my-test-topic-name-1-");
    }

    @Test
    void shouldNeverStartWithDashOrEndBaseWithOne() {
        assertThat(Names.sanitize("--_x_")).isEqualTo("x");
        assertThat(Names.sanitize("___")).isEqualTo("x");
        assertThat(Names.sanitize(null)).isEqualTo("x");
    }

    @Test
    void shouldTruncateLongBases() {
        assertThat(Names.sanitize("a".repeat(100))).hasSize(40);
    }

    @Test
    void shouldReturnDistinctNamesForSameBase() {
        Set<String> names = new HashSet<>();
        IntStream.range(0, 1000).forEach(i -> names.add(Names.unique("topic")));
        assertThat(names).hasSize(1000);
    }
}
