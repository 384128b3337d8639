package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The operators' monitoring files, checked for real: {@code promtool} accepts the alert rules and the Prometheus
 * configuration, and every metric the rules and the Grafana dashboard query exists in a live scrape of the four apps
 * running the pipeline.
 */
class ObservabilityIT {
    private static final Path PROMETHEUS = Path.of("..", "compose", "prometheus");
    private static final Path DASHBOARD = Path.of("..", "compose", "grafana", "temporal-cdc-dashboard.json");
    /** What Prometheus makes itself, not a scrape. */
    private static final Set<String> SYNTHETIC = Set.of("up");

    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "inf",
            "nan",
            "group_left",
            "group_right",
            "by",
            "without",
            "on",
            "ignoring");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void shouldPassPromtool() throws Exception {
        assertThat(promtool("check", "rules", "alerts.yml")).contains("SUCCESS");
        assertThat(promtool("check", "config", "prometheus.yml")).contains("SUCCESS");
    }

    @Test
    void shouldQueryOnlyMetricsTheAppsExpose() throws Exception {
        Map<String, Set<String>> wanted = new TreeMap<>();
        for (String expr : ruleExpressions()) {
            wanted.put("alerts.yml: " + expr.strip(), metricNames(expr));
        }
        for (JsonNode panel :
                new ObjectMapper().readTree(Files.readString(DASHBOARD)).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                wanted.put(panel.path("title").asText() + ": " + expr, metricNames(expr));
            }
        }
        assertThat(wanted).isNotEmpty();

        PipelineSettings settings = Pipelines.freshSettings("observability").withMetrics();
        try (Pipeline pipeline = Pipeline.start(settings);
                PipelineProbe probe = new PipelineProbe(pipeline)) {
            RunWriter writer = new RunWriter(settings.jdbcUrl(), "observability-ns", () -> false);
            try (writer) {
                writer.awaitMore(50);
            }
            // read once the writer stopped: a row it commits after an earlier read would be one too many
            int written = writer.written();
            Pipelines.awaitClean(pipeline, probe, written);
            TimeUnit.SECONDS.sleep(6); // cdc-source reads the slot's lag every 5 s
            Set<String> exposed = new TreeSet<>(SYNTHETIC);
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (Deployable app : List.of(
                        pipeline.cdcSource(), pipeline.indexer(), pipeline.invalidator(), pipeline.aggregator())) {
                    exposed.addAll(scraped(app.metrics()));
                }
                List<String> missing = new ArrayList<>();
                wanted.forEach((where, names) -> names.stream()
                        .filter(name -> !exposed.contains(name))
                        .forEach(name -> missing.add(name + " (" + where + ")")));
                assertThat(missing).as("metrics queried but not exposed").isEmpty();
            });
        }
    }

    /** @return the metric names of a Prometheus text scrape */
    static Set<String> scraped(String text) {
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            Matcher m = IDENTIFIER.matcher(line);
            if (!line.startsWith("#") && m.lookingAt()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** @return the metric names a PromQL expression reads: its identifiers less functions, labels and keywords */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"[^\"]*\"", " ")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String rest = bare.substring(m.end()).stripLeading();
            if (!rest.startsWith("(") && !KEYWORDS.contains(m.group().toLowerCase(java.util.Locale.ROOT))) {
                names.add(m.group());
            }
        }
        return names;
    }

    private static List<String> ruleExpressions() throws Exception {
        List<String> exprs = new ArrayList<>();
        List<String> lines = Files.readAllLines(PROMETHEUS.resolve("alerts.yml"));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("expr:")) {
                continue;
            }
            String value = line.substring("expr:".length()).strip();
            if (value.equals(">") || value.equals("|")) {
                StringBuilder folded = new StringBuilder();
                int indent = -1;
                for (int j = i + 1; j < lines.size(); j++) {
                    String next = lines.get(j);
                    int lead = next.length() - next.stripLeading().length();
                    if (next.isBlank() || (indent >= 0 && lead < indent)) {
                        break;
                    }
                    indent = indent < 0 ? lead : indent;
                    folded.append(next.strip()).append(' ');
                }
                value = folded.toString();
            }
            exprs.add(value);
        }
        return exprs;
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(PROMETHEUS.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (java.io.IOException e) {
            // bin/test installs it where it may (root or sudo); a machine without either skips this check rather than
            // failing the run
            return org.junit.jupiter.api.Assumptions.abort(
                    "promtool is not installed (bin/prereqs.sh installs Debian's prometheus package with root or sudo): check skipped");
        }
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
