package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/demo --regions} on the shared stack (region a) and servers of its own (region b), with a short workload:
 * it exits 0 (lag measured, a divergence opened and closed, both indices equal to their databases) and says so.
 */
class RegionsDemoIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldShowLagAndADivergenceBetweenTwoRegionsAndEndWithBothIndicesEqualToTheirDatabases() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        DemoSettings settings =
                new DemoSettings(Duration.ofSeconds(15), DemoMain.REGIONS_RATE, false, Duration.ofMinutes(2), false);
        int exit;
        try (RegionsDemo demo = new RegionsDemo(
                settings, out, LocalStack::shared, false, Path.of("target", "own-servers"), Names.unique("rg"))) {
            exit = demo.run();
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exit).as(String.join("\n", lines)).isZero();

        JsonNode regions = JSON.readTree(lines.stream()
                .filter(l -> l.startsWith("REGIONS "))
                .findFirst()
                .orElseThrow()
                .substring("REGIONS ".length()));
        assertThat(regions.path("a").path("kafka").asText())
                .isNotEqualTo(regions.path("b").path("kafka").asText());
        assertThat(regions.path("replicationStatus").asText()).endsWith("/replication/status");
        assertThat(lines).anyMatch(l -> l.startsWith("region a: ")).anyMatch(l -> l.startsWith("region b: "));
        String replication = lines.stream()
                .filter(l -> l.startsWith("REPLICATION "))
                .findFirst()
                .orElseThrow();
        Matcher lag = Pattern.compile("measured ([0-9.]+) s").matcher(replication);
        assertThat(lag.find()).as(replication).isTrue();
        assertThat(Double.parseDouble(lag.group(1)))
                .isBetween(RegionsDemo.INJECTED_LAG.toSeconds() - 1.0, RegionsDemo.INJECTED_LAG.toSeconds() + 5.0);
        assertThat(replication).contains("opened by a hand delete in b and closed after the re-sync");
    }
}
