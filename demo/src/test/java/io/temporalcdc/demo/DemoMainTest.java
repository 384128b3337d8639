package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoMainTest {

    @Test
    void shouldUseDefaultsWhenNoOptionIsGiven() {
        DemoSettings settings = parse();

        assertThat(settings.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.workflowsPerSecond()).isEqualTo(20.0);
        assertThat(settings.keepRunning()).isFalse();
        assertThat(settings.drainTimeout()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void shouldReadDurationRateAndKeepRunning() {
        DemoSettings settings = parse("--duration", "15", "--rate", "2.5", "--keep-running");

        assertThat(settings.duration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings.workflowsPerSecond()).isEqualTo(2.5);
        assertThat(settings.keepRunning()).isTrue();
    }

    @Test
    void shouldAcceptOptionValuesJoinedWithEquals() {
        DemoSettings settings = parse("--duration=5", "--rate=7");

        assertThat(settings.duration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.workflowsPerSecond()).isEqualTo(7.0);
    }

    @Test
    void shouldExitWithUsageErrorOnUnknownOption() {
        StringWriter errors = new StringWriter();

        int code = command(errors).execute("--speed", "3");

        assertThat(code).isEqualTo(2);
        assertThat(errors.toString()).contains("--speed");
    }

    @Test
    void shouldRejectNonPositiveRate() {
        StringWriter errors = new StringWriter();

        int code = command(errors).execute("--rate", "0");

        assertThat(code).isEqualTo(2);
        assertThat(errors.toString()).contains("--rate must be more than 0");
    }

    @Test
    void shouldRunTwoRegionsAtTheirOwnDefaultRateAndRefuseAvroThere() {
        assertThat(parse("--regions").workflowsPerSecond()).isEqualTo(DemoMain.REGIONS_RATE);
        assertThat(parse("--regions", "--rate", "3").workflowsPerSecond()).isEqualTo(3.0);
        StringWriter errors = new StringWriter();

        int code = command(errors).execute("--regions", "--format", "avro");

        assertThat(code).isEqualTo(2);
        assertThat(errors.toString()).contains("--regions runs JSON change topics");
    }

    @Test
    void shouldRefuseTwoRegionsOfTemporalsOwnVisibility() {
        StringWriter errors = new StringWriter();

        int code = command(errors).execute("--regions", "--temporal");

        assertThat(code).isEqualTo(2);
        assertThat(errors.toString()).contains("--regions and --temporal are two different demos");
    }

    @Test
    void shouldRejectNegativeDuration() {
        StringWriter errors = new StringWriter();

        int code = command(errors).execute("--duration", "-1");

        assertThat(code).isEqualTo(2);
        assertThat(errors.toString()).contains("--duration must be 0 or more");
    }

    @Test
    void shouldPrintHelpWithTheThreeOptions() {
        StringWriter help = new StringWriter();
        CommandLine commandLine = DemoMain.commandLine();
        commandLine.setOut(new PrintWriter(help));

        int code = commandLine.execute("--help");

        assertThat(code).isZero();
        assertThat(help.toString()).contains("--duration=<seconds>", "--rate=<workflows per second>", "--keep-running");
    }

    private static DemoSettings parse(String... args) {
        CommandLine commandLine = DemoMain.commandLine();
        commandLine.parseArgs(args);
        return ((DemoMain) commandLine.getCommand()).settings();
    }

    private static CommandLine command(StringWriter errors) {
        CommandLine commandLine = DemoMain.commandLine();
        commandLine.setErr(new PrintWriter(errors));
        return commandLine;
    }
}
