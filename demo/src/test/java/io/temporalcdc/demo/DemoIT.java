package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporalcdc.testsupport.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A short demo run, as {@code bin/demo --duration 5 --rate 5} does it, on this JVM's shared stack
 * (its main database and the apps' default names, which no other test here uses).
 */
class DemoIT {

    @Test
    void shouldPrintEndpointsOnceThenAComparisonThatIsClean() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        DemoSettings settings = new DemoSettings(Duration.ofSeconds(5), 5, false, Duration.ofSeconds(120));

        int exitCode;
        try (PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
                Demo demo = new Demo(settings, out, LocalStack::shared, false)) {
            exitCode = demo.run();
        }

        List<String> lines = stdout.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exitCode).as(String.join("\n", lines)).isZero();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0))
                .matches(EndpointsLine.FORMAT)
                .isEqualTo("ENDPOINTS " + LocalStack.shared().endpointsJson());
        assertThat(lines.get(1)).startsWith("Comparison: ").endsWith("-> CLEAN").doesNotContain(" 0 rows");
    }
}
