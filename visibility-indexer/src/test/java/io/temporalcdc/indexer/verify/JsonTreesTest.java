package io.temporalcdc.indexer.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class JsonTreesTest {

    @Test
    void shouldCompareNumbersByValue() throws Exception {
        assertThat(JsonTrees.equal(json("{\"a\":1.50,\"b\":7}"), json("{\"b\":7.0,\"a\":1.5}")))
                .isTrue();
    }

    @Test
    void shouldSeeADifferentNumber() throws Exception {
        assertThat(JsonTrees.equal(json("{\"a\":1.5}"), json("{\"a\":1.51}"))).isFalse();
    }

    @Test
    void shouldNotEquateANumberWithItsText() throws Exception {
        assertThat(JsonTrees.equal(json("{\"a\":1}"), json("{\"a\":\"1\"}"))).isFalse();
    }

    @Test
    void shouldSeeAMissingNestedField() throws Exception {
        assertThat(JsonTrees.equal(json("{\"a\":{\"x\":1,\"y\":2}}"), json("{\"a\":{\"x\":1}}")))
                .isFalse();
    }

    @Test
    void shouldCompareArraysInOrder() throws Exception {
        assertThat(JsonTrees.equal(json("[1,2]"), json("[1.0,2]"))).isTrue();
        assertThat(JsonTrees.equal(json("[1,2]"), json("[2,1]"))).isFalse();
    }

    private static JsonNode json(String text) throws Exception {
        return VisibilityComparator.MAPPER.readTree(text);
    }
}
