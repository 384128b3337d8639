package io.temporalcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JavaAppTest {

    private static final Path JAVA = Path.of("/jdk/bin/java");
    private static final Path JAR = Path.of("/x/app.jar");

    @Test
    void shouldAddDefaultHeapWhenCallerSetsNone() {
        assertThat(JavaApp.command(JAVA, JAR, List.of("-Dx=1"), List.of("a=b")))
                .containsExactly("/jdk/bin/java", "-Xmx256m", "-Dx=1", "-jar", "/x/app.jar", "a=b");
    }

    @Test
    void shouldKeepCallersHeap() {
        assertThat(JavaApp.command(JAVA, JAR, List.of("-Xmx1g"), List.of()))
                .containsExactly("/jdk/bin/java", "-Xmx1g", "-jar", "/x/app.jar");
    }

    @Test
    void shouldPointJarOfAtModuleTarget() {
        assertThat(JavaApp.jarOf("cdc-source").toString()).endsWith("/cdc-source/target/cdc-source-0.1.0-SNAPSHOT.jar");
        assertThat(JavaApp.jarOf("cdc-source"))
                .isAbsolute()
                .isEqualTo(JavaApp.jarOf("cdc-source").normalize());
    }

    @Test
    void shouldRefuseMissingJar() {
        assertThatThrownBy(() ->
                        JavaApp.start("x", Path.of("/nonexistent.jar"), List.of(), Map.of(), Path.of("/tmp/x.log")))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("/nonexistent.jar");
    }
}
