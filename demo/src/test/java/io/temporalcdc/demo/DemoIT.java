package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporalcdc.testsupport.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A short demo run, as {@code bin/demo --duration 5 --rate 5} does it, on this JVM's shared stack
 * (its main database and the apps' default names, which no other test here uses).
 */
class DemoIT {

    private static final Pattern CACHE_LINE = Pattern.compile("cache: (\\d+) keys checked, (\\d+) stale, (\\d+) reads"
            + " \\(\\d+% hits\\), (\\d+) fills \\(\\d+ refused by a fence\\);"
            + " commit->invalidated p50 \\d+ ms, p99 \\d+ ms");
    private static final Pattern METRICS_LINE = Pattern.compile("metrics: (\\d+) groups of the seed's view \\(REFRESH"
            + " MATERIALIZED VIEW\\), (\\d+) from the API, (\\d+) differ -> CLEAN;"
            + " commit->aggregated p50 \\d+ ms, p99 \\d+ ms");

    @Test
    void shouldPrintEndpointsOnceThenAComparisonThatIsCleanAndNoStaleCache() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        DemoSettings settings = new DemoSettings(Duration.ofSeconds(5), 5, false, Duration.ofSeconds(120), true);

        int exitCode;
        try (PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
                Demo demo = new Demo(settings, out, LocalStack::shared, false)) {
            exitCode = demo.run();
        }

        List<String> lines = stdout.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exitCode).as(String.join("\n", lines)).isZero();
        assertThat(lines).hasSize(4);
        String servers = LocalStack.shared().endpointsJson().strip();
        assertThat(lines.get(0))
                .matches(EndpointsLine.FORMAT)
                .startsWith("ENDPOINTS " + servers.substring(0, servers.length() - 1) + ",\"metrics\":\"http://")
                .endsWith(",\"schemaRegistry\":\""
                        + LocalStack.shared().schemaRegistry().url() + "\"}");
        assertThat(lines.get(1)).startsWith("Comparison: ").endsWith("-> CLEAN").doesNotContain(" 0 rows");
        Matcher cache = CACHE_LINE.matcher(lines.get(2));
        assertThat(cache.matches()).as(lines.get(2)).isTrue();
        assertThat(Long.parseLong(cache.group(1))).as("keys checked").isPositive();
        assertThat(Long.parseLong(cache.group(2))).as("stale keys").isZero();
        assertThat(Long.parseLong(cache.group(3))).as("reads").isPositive();
        assertThat(Long.parseLong(cache.group(4))).as("fills").isPositive();
        Matcher metrics = METRICS_LINE.matcher(lines.get(3));
        assertThat(metrics.matches()).as(lines.get(3)).isTrue();
        assertThat(Long.parseLong(metrics.group(1))).as("groups of the view").isPositive();
        assertThat(metrics.group(2)).as("groups of the API").isEqualTo(metrics.group(1));
        assertThat(Long.parseLong(metrics.group(3))).as("groups differing").isZero();
    }
}
