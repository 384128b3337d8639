package io.temporalcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs a tiny jar (the compiled {@link SleeperMain}) as a process. */
class JavaAppIT {

    @TempDir
    static Path dir;

    private static Path jar;

    @BeforeAll
    static void buildJar() throws IOException {
        jar = dir.resolve("sleeper.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, SleeperMain.class.getName());
        String entry = SleeperMain.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new ZipEntry(entry));
            out.write(SleeperMain.class
                    .getClassLoader()
                    .getResourceAsStream(entry)
                    .readAllBytes());
            out.closeEntry();
        }
    }

    @Test
    void shouldPassArgsAndEnvAndReportExitCode() {
        try (JavaApp app = JavaApp.start(
                "exit", jar, List.of("exit", "7"), Map.of("SLEEPER_GREETING", "hello"), dir.resolve("exit.log"))) {
            assertThat(app.waitFor(Duration.ofSeconds(60))).hasValue(7);
            assertThat(app.lastLines(2)).containsExactly("greeting hello", "exiting 7");
        }
    }

    @Test
    void shouldExitZeroOnSigtermAndDieOnKill() {
        JavaApp polite = JavaApp.start("polite", jar, List.of("sleep"), Map.of(), dir.resolve("polite.log"));
        JavaApp killed =
                JavaApp.start("killed", jar, List.of("-Xmx64m"), List.of("sleep"), Map.of(), dir.resolve("killed.log"));
        awaitLine(polite, "sleeping");
        awaitLine(killed, "sleeping");

        assertThat(polite.terminate(Duration.ofSeconds(30))).isEqualTo(143);
        killed.kill();

        assertThat(polite.isAlive()).isFalse();
        assertThat(killed.isAlive()).isFalse();
        assertThat(killed.waitFor(Duration.ZERO)).hasValue(137);
    }

    private static void awaitLine(JavaApp app, String line) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(app.lastLines(5)).contains(line));
    }
}
