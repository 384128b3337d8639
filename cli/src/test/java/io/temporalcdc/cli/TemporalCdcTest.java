package io.temporalcdc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line itself: help everywhere, exit 2 with the reason on bad arguments. No server is contacted. */
class TemporalCdcTest {

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = TemporalCdc.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void shouldListTheSubcommandsAndExitCodesInItsHelp() {
        Run help = run("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("reindex", "dead-letters", "status", "schema")
                .contains("Exit codes:")
                .contains("2   bad arguments");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "reindex",
                "dead-letters",
                "dead-letters list",
                "dead-letters show",
                "dead-letters redrive",
                "status",
                "schema",
                "schema migrate",
            })
    void shouldHelpOnEverySubcommand(String command) {
        List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
        args.add("--help");

        Run help = run(args.toArray(String[]::new));

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: temporal-cdc " + command).contains("Exit codes:");
    }

    @Test
    void shouldNameTheReindexContractOptions() {
        assertThat(run("reindex", "--help").out())
                .contains("--bootstrap-servers=HOST:PORT", "--elasticsearch=URL", "--jdbc=JDBC_URL", "--yes")
                .contains("--topic-prefix=PREFIX", "--alias=<alias>")
                .contains("default: temporal_visibility_v1");
    }

    @Test
    void shouldExitTwoWithTheReasonOnBadArguments() {
        assertBad(run(), "name a subcommand");
        assertBad(run("reindex", "--elasticsearch", "http://127.0.0.1:9"), "--bootstrap-servers");
        assertBad(run("reindex", "--bootstrap-servers", "127.0.0.1:9"), "--elasticsearch");
        assertBad(
                run("reindex", "--bootstrap-servers", "h:9", "--elasticsearch", "http://h:9", "--progress", "fancy"),
                "--progress must be auto, bar or plain");
        assertBad(
                run("reindex", "--bootstrap-servers", "h:9", "--elasticsearch", "http://h:9", "--index", "other"),
                "must start with temporal_visibility_v1_");
        assertBad(
                run("reindex", "--bootstrap-servers", "h:9", "--elasticsearch", "http://h:9", "--no-such-option"),
                "Unknown option: '--no-such-option'");
        assertBad(run("dead-letters"), "name a subcommand: list, show or redrive");
        assertBad(run("dead-letters", "redrive", "--bootstrap-servers", "h:9"), "select what to re-drive");
        assertBad(
                run("dead-letters", "redrive", "--bootstrap-servers", "h:9", "--all", "--to", "nowhere"),
                "--to must be source or sink");
        assertBad(
                run("dead-letters", "list", "--bootstrap-servers", "h:9", "--offsets", "zero"),
                "expected P:FROM or P:FROM-TO");
        assertBad(
                run("dead-letters", "list", "--bootstrap-servers", "h:9", "--app", "nope"),
                "--app nope: expected visibility-indexer");
        assertBad(run("dead-letters", "show", "--bootstrap-servers", "h:9"), "--offset");
        assertBad(run("status", "--bootstrap-servers", "h:9", "--sample", "3"), "Unknown options: '--sample', '3'");
        assertBad(run("schema"), "name a subcommand: migrate");
        assertBad(run("schema", "migrate"), "--jdbc");
    }

    @Test
    void shouldFailSchemaMigrateWithTheReasonWhenNoServerAnswersWithinTheWait() {
        Run refused = run("schema", "migrate", "--jdbc", "jdbc:postgresql://127.0.0.1:9/temporal", "--wait", "0");

        assertThat(refused.exitCode()).isEqualTo(TemporalCdc.FAILED);
        assertThat(refused.err()).contains("temporal-cdc schema migrate: applying the schema to", "127.0.0.1:9");
    }

    @Test
    void shouldRefuseAPasswordVariableThatIsNotSet() {
        Run unset = run(
                "schema",
                "migrate",
                "--jdbc",
                "jdbc:postgresql://h:9/t",
                "--password-env",
                "TCDC_NO_SUCH_VARIABLE_SET");

        assertThat(unset.exitCode()).isEqualTo(TemporalCdc.FAILED);
        assertThat(unset.err()).contains("TCDC_NO_SUCH_VARIABLE_SET (--password-env) is not set");
    }

    private static void assertBad(Run run, String reason) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(reason);
    }

    @Test
    void shouldFormatPlainProgressWithRateAndEta() {
        assertThat(Progress.line("replay", 250, 1000, 500, Duration.ofSeconds(10), 0))
                .isEqualTo("replay: 25.0% of end offsets (250/1,000), 500 records, 50 records/s, ETA 0:00:30");
        assertThat(Progress.line("catch-up", 600, 1000, 100, Duration.ofSeconds(10), 500))
                .as("the rate counts what was done since the start")
                .isEqualTo("catch-up: 60.0% of end offsets (600/1,000), 100 records, 10 records/s, ETA 0:00:40");
        assertThat(Progress.line("replay", 1000, 1000, 900, Duration.ofSeconds(3), 0))
                .endsWith("ETA done");
    }

    @Test
    void shouldAcceptAnIndexCountTheTableHadWithinTheWindowAndNothingElse() {
        List<Map<String, Long>> table = List.of(Map.of("ns", 100L), Map.of("ns", 110L), Map.of("ns", 120L));

        assertThat(Verification.countDifferences(table, Map.of("ns", 105L))).isEmpty();
        assertThat(Verification.countDifferences(table, Map.of("ns", 99L)))
                .containsExactly("namespace ns: 99 documents, 120 rows");
        assertThat(Verification.countDifferences(table, Map.of("ns", 120L, "other", 1L)))
                .containsExactly("namespace other: 1 documents, 0 rows");
    }

    @Test
    void shouldReadTheSinksCommitTimeFromTheCommitMetadata() {
        assertThat(StatusCommand.commitTime(new OffsetAndMetadata(5, "committed-at=1795986462202")))
                .hasToString("2026-11-29T21:07:42.202Z");
        assertThat(StatusCommand.commitTime(new OffsetAndMetadata(5, "AQAAAZ...")))
                .isNull();
        assertThat(StatusCommand.commitTime(new OffsetAndMetadata(5))).isNull();
    }

    @Test
    void shouldReadKafkaStreamsPartitionTimeFromItsCommitMetadata() {
        java.nio.ByteBuffer encoded = java.nio.ByteBuffer.allocate(1 + Long.BYTES + 4);
        encoded.put((byte) 2).putLong(1_795_986_462_202L).putInt(0);
        String metadata = java.util.Base64.getEncoder().encodeToString(encoded.array());

        assertThat(StatusCommand.streamTime(new OffsetAndMetadata(5, metadata)))
                .hasToString("2026-11-29T21:07:42.202Z");
        assertThat(StatusCommand.streamTime(new OffsetAndMetadata(5, "committed-at=1795986462202")))
                .isNull();
        assertThat(StatusCommand.streamTime(new OffsetAndMetadata(5, "not base64!")))
                .isNull();
    }

    @Test
    void shouldSelectDeadLettersByReasonAndOffsetRange() {
        DeadLetterSelection selection = new DeadLetterSelection();
        selection.offsets.add("1:10-12");
        selection.offsets.add("2:7");

        List<DeadLetterSelection.Range> ranges = selection.ranges();

        assertThat(ranges)
                .containsExactly(new DeadLetterSelection.Range(1, 10, 12), new DeadLetterSelection.Range(2, 7, 7));
        assertThat(DeadLettersCommand.RedriveCommand.category("re-driven to t-1@5"))
                .isEqualTo("re-driven");
        assertThat(DeadLettersCommand.RedriveCommand.category("superseded by t-1@9: not re-driven"))
                .isEqualTo("superseded");
        assertThat(DeadLettersCommand.RedriveCommand.category("not re-driven: its value was dropped"))
                .isEqualTo("not re-driven");
    }
}
