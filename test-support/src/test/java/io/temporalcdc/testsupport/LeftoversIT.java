package io.temporalcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A crashed run's daemonized servers are stopped, and its run dir deleted, by the next start. */
class LeftoversIT {

    @Test
    void shouldStopServersOfCrashedRunAtNextStart() throws Exception {
        Path base = Path.of("target", "local-stack-crash-test", Names.unique("base"))
                .toAbsolutePath();
        Files.createDirectories(base);
        Process crashed = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashedRunMain.class.getName(),
                        base.toString())
                .redirectErrorStream(true)
                .redirectOutput(base.resolve("crashed-jvm.log").toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> Files.exists(base.resolve("ready")) || !crashed.isAlive());
            assertThat(crashed.isAlive())
                    .as("crashed JVM started its servers; see %s", base.resolve("crashed-jvm.log"))
                    .isTrue();
            Path runDir = Path.of(Files.readString(base.resolve("ready")));
            crashed.destroyForcibly().waitFor();
            List<PidRecord> servers = records(runDir);
            assertThat(servers).hasSize(2).allMatch(r -> r.matches(Procs.commandLine(r.pid())));

            Leftovers.clean(base, 0);

            assertThat(servers).noneMatch(r -> r.matches(Procs.commandLine(r.pid())));
            assertThat(runDir).doesNotExist();
        } finally {
            crashed.destroyForcibly();
        }
    }

    private static List<PidRecord> records(Path runDir) throws IOException {
        try (Stream<Path> files = Files.list(runDir)) {
            return files.filter(f -> f.toString().endsWith(PidRecord.SUFFIX))
                    .map(PidRecord::read)
                    .flatMap(Optional::stream)
                    .toList();
        }
    }
}
