package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/demo --temporal} on the shared stack with a short workload: Temporal's own visibility table backfilled by
 * the initial snapshot, then streamed; it exits 0 (the index equals the table after the backfill and after the drain,
 * every document read by Temporal's rules) and says so.
 */
class TemporalVisibilityDemoIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldBackfillThenStreamTemporalsVisibilityAndEndWithTheIndexEqualToTheTable() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        DemoSettings settings = new DemoSettings(Duration.ofSeconds(10), 10, false, Duration.ofMinutes(2), true);
        int exit;
        String names = Names.unique("tvd");
        try (TemporalVisibilityDemo demo =
                new TemporalVisibilityDemo(settings, out, LocalStack::shared, false, names)) {
            exit = demo.run();
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exit).as(String.join("\n", lines)).isZero();
        JsonNode endpoints = JSON.readTree(lines.stream()
                .filter(l -> l.startsWith("TEMPORAL-VISIBILITY "))
                .findFirst()
                .orElseThrow()
                .substring("TEMPORAL-VISIBILITY ".length()));
        assertThat(endpoints.path("table").asText()).isEqualTo("public.executions_visibility");
        assertThat(endpoints.path("index").asText()).endsWith("-temporal-visibility");
        // 10 s of backfill at 10 workflows/s: 100 runs started, a few deleted by retention already
        String backfill = lines.stream()
                .filter(l -> l.startsWith("BACKFILL "))
                .findFirst()
                .orElseThrow();
        java.util.regex.Matcher rows = java.util.regex.Pattern.compile(
                        "BACKFILL CLEAN: (\\d+) rows written before the pipeline started, indexed by the initial snapshot")
                .matcher(backfill);
        assertThat(rows.find()).as(backfill).isTrue();
        assertThat(Integer.parseInt(rows.group(1))).isBetween(90, 100);
        assertThat(lines).anyMatch(l -> l.startsWith("Comparison: ") && l.endsWith("-> CLEAN"));
        assertThat(lines)
                .anyMatch(l -> l.startsWith("TEMPORAL-READER OK: ")
                        && l.contains(" 0 refused; ")
                        && l.contains("bin/temporal-cdc verify --profile temporal-v12"));
    }
}
