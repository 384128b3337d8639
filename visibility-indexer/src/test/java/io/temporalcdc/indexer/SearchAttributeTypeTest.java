package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchAttributeTypeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void shouldKeepValuesThatAlreadyHaveTheirType() throws Exception {
        assertThat(SearchAttributeType.INT.coerce("a", json("42"))).isEqualTo(json("42"));
        assertThat(SearchAttributeType.DOUBLE.coerce("a", json("42"))).isEqualTo(json("42"));
        assertThat(SearchAttributeType.KEYWORD.coerce("a", json("\"x\""))).isEqualTo(json("\"x\""));
        assertThat(SearchAttributeType.DATETIME.coerce("a", json("\"2024-03-01T10:15:30.000120Z\"")))
                .isEqualTo(json("\"2024-03-01T10:15:30.000120Z\""));
        assertThat(SearchAttributeType.BOOL.coerce("a", json("null")).isNull()).isTrue();
    }

    @Test
    void shouldCoerceWhereNothingIsLost() throws Exception {
        assertThat(SearchAttributeType.INT.coerce("a", json("\"42\"")).longValue())
                .isEqualTo(42L);
        assertThat(SearchAttributeType.INT.coerce("a", json("\"42\"")).isIntegralNumber())
                .isTrue();
        assertThat(SearchAttributeType.INT.coerce("a", json("3.0")).toString()).isEqualTo("3");
        assertThat(SearchAttributeType.DOUBLE.coerce("a", json("\"2.5\"")).doubleValue())
                .isEqualTo(2.5);
        assertThat(SearchAttributeType.BOOL.coerce("a", json("\"TRUE\""))).isEqualTo(json("true"));
        assertThat(SearchAttributeType.KEYWORD.coerce("a", json("7"))).isEqualTo(json("\"7\""));
        assertThat(SearchAttributeType.KEYWORD_LIST.coerce("a", json("\"one\"")))
                .isEqualTo(json("[\"one\"]"));
        assertThat(SearchAttributeType.DATETIME
                        .coerce("a", json("\"2024-03-01T10:15:30+02:00\""))
                        .asText())
                .isEqualTo("2024-03-01T10:15:30+02:00");
    }

    @Test
    void shouldRefuseWhatWouldLoseInformationNamingTheAttribute() {
        assertThatThrownBy(() -> SearchAttributeType.INT.coerce("Retries", json("3.5")))
                .isInstanceOf(DocumentMappingException.class)
                .hasMessageContaining("search attribute Retries is registered as Int");
        assertThatThrownBy(() -> SearchAttributeType.INT.coerce("Retries", json("\"9223372036854775808\"")))
                .isInstanceOf(DocumentMappingException.class);
        assertThatThrownBy(() -> SearchAttributeType.BOOL.coerce("Done", json("\"yes\"")))
                .isInstanceOf(DocumentMappingException.class);
        assertThatThrownBy(() -> SearchAttributeType.DATETIME.coerce("When", json("\"yesterday\"")))
                .isInstanceOf(DocumentMappingException.class);
        assertThatThrownBy(() -> SearchAttributeType.KEYWORD.coerce("Tier", json("{\"a\":1}")))
                .isInstanceOf(DocumentMappingException.class);
    }

    @Test
    void shouldReadTheRegistryAndKeepTheSeedTypes() {
        Map<String, SearchAttributeType> parsed =
                SearchAttributeRegistry.parse(List.of("CustomerTier:Keyword", " Tags : keywordlist "));

        assertThat(parsed).containsEntry("CustomerTier", SearchAttributeType.KEYWORD);
        assertThat(parsed).containsEntry("Tags", SearchAttributeType.KEYWORD_LIST);
        assertThat(new SearchAttributeRegistry(parsed, false).types()).containsKeys("CustomIntField", "Tags");
        assertThatThrownBy(() -> new SearchAttributeRegistry(Map.of("CustomIntField", SearchAttributeType.TEXT), false))
                .hasMessageContaining("CustomIntField is a Int in the seed's mapping");
        assertThatThrownBy(() -> SearchAttributeRegistry.parse(List.of("Tier")))
                .hasMessageContaining("is not Name:Type");
        assertThatThrownBy(() -> SearchAttributeRegistry.parse(List.of("Tier:Money")))
                .hasMessageContaining("unknown search attribute type");
    }
}
