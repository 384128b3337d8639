package io.temporalcdc.indexer.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reference values of FarmHash's Hash32 (= go-farm's Fingerprint32), one per length branch and more. */
class Farmhash32Test {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "dc56d17a|''",
                "3c973d4d|a",
                "98b51e95|abcd",
                "a3f366ac|abcde",
                "6f98dc86|abcdefghi",
                "0d92cafb|0123456789~01",
                "536d1efd|0123456789^0123456789",
                "1723dd7a|0123456789%0123456789£",
                "fa88d020|0123456789$0123456789!0",
                "c6246b8d|size:  a.out:  bad magic",
                "322984d9|Nepal premier won't resign.",
                "e273108f|Discard medicine more than two years old.",
                "2cc30bb7|The days of the digital watch are numbered.  -Tom Stoppard"
            })
    void shouldMatchTheReferenceFingerprints(String hex, String input) {
        assertThat(Farmhash32.fingerprint(input.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Long.parseLong(hex, 16));
    }

    @ParameterizedTest
    @CsvSource({"1", "4", "512"})
    void shouldPlaceWorkflowsOnShardsFromOne(int shards) {
        int shard = Farmhash32.historyShard("f8e6c2a4-0000-4000-8000-000000000001", "order-42", shards);
        assertThat(shard).isBetween(1, shards);
    }
}
