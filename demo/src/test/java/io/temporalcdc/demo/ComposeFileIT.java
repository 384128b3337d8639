package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The user-facing {@code compose/compose.yml}, as {@code docker-compose} itself reads it (no container engine
 * needed): valid with {@code compose/.env}, every service of the stack and every app of the project in it, and the
 * app image's Dockerfile naming each app's jar, running as a non-root user with a health check on {@code
 * /health/live}; the "connect" profile adds a Kafka Connect worker and its two one-shots.
 */
class ComposeFileIT {
    private static final Path COMPOSE = Path.of("..", "compose");

    @Test
    void shouldBeAValidComposeFileWithTheWholeStack() throws Exception {
        assertThat(compose("config", "-q")).isEmpty();

        List<String> services = List.of(compose("config", "--services").strip().split("\n"));
        assertThat(services)
                .containsExactlyInAnyOrder(
                        "postgres",
                        "schema",
                        "kafka",
                        "schema-registry",
                        "elasticsearch",
                        "redis",
                        "redis-replica",
                        "sentinel-1",
                        "sentinel-2",
                        "sentinel-3",
                        "cdc-source",
                        "visibility-indexer",
                        "cache-invalidator",
                        "metrics-aggregator",
                        "prometheus",
                        "kafka-connect",
                        "connect-publication",
                        "connect-register");
        assertThat(List.of(compose("--profile", "connect", "config", "--services")
                        .strip()
                        .split("\n")))
                .as("the connect profile: Debezium in Kafka Connect instead of cdc-source")
                .contains("kafka-connect", "connect-publication", "connect-register");
        String config = compose("config");
        for (String app : List.of("cdc-source", "visibility-indexer", "cache-invalidator", "metrics-aggregator")) {
            assertThat(config).as("the image of %s is built from its jar", app).contains("APP: " + app);
            assertThat(Files.exists(Path.of("..", app, "pom.xml")))
                    .as("%s is a module", app)
                    .isTrue();
        }
        assertThat(config).contains("wal_level=logical", "mymaster", "/apis/ccompat/v7");

        String dockerfile = Files.readString(COMPOSE.resolve("app.Dockerfile"));
        assertThat(dockerfile)
                .contains("USER app", "MaxRAMPercentage", "HEALTHCHECK", "/health/live", "${APP}/target/${APP}-");
    }

    private static String compose(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-f", "compose.yml"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(COMPOSE.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (java.io.IOException e) {
            // bin/test installs it where it may (root or sudo); a machine without either skips this check rather than
            // failing the run
            return org.junit.jupiter.api.Assumptions.abort(
                    "docker-compose is not installed (bin/prereqs.sh installs Debian's package with root or sudo): check skipped");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
