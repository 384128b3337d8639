package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporalcdc.testsupport.JavaApp;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.Ports;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real deployable jar fails fast, naming the setting to fix. */
class CdcSourceJarIT {

    static final Path LOGS = Path.of("target", "cdc-source-it");
    private static final Duration FAIL_FAST = Duration.ofSeconds(30);

    private final LocalStack stack = LocalStack.shared();
    private final List<JavaApp> apps = new ArrayList<>();

    @AfterEach
    void tearDown() {
        apps.forEach(JavaApp::close);
    }

    @Test
    void shouldExitWithConfigErrorNamingBootstrapServersWhenTheyAreMissing() {
        final List<String> args = validArgs();
        args.removeIf(a -> a.startsWith("kafka.bootstrap.servers="));

        final Exit exit = run("no-bootstrap", args);

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.lastLine()).contains("kafka.bootstrap.servers");
    }

    @Test
    void shouldExitNamingBootstrapServersWhenNoBrokerListens() throws IOException {
        final List<String> args = validArgs();
        args.removeIf(a -> a.startsWith("kafka.bootstrap.servers="));
        args.add("kafka.bootstrap.servers=127.0.0.1:" + closedPort());

        final Exit exit = run("no-broker", args);

        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.lastLine()).contains("ERROR").contains("kafka.bootstrap.servers");
    }

    @Test
    void shouldExitNamingTheDatabaseAddressWhenNothingListens() throws IOException {
        final List<String> args = validArgs();
        args.removeIf(a -> a.startsWith("database.port="));
        args.add("database.port=" + closedPort());

        final Exit exit = run("no-database", args);

        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.lastLine()).contains("ERROR").contains("database.port").contains("connection refused");
    }

    @Test
    void shouldExitNamingTheCredentialsWhenThePasswordIsWrong() {
        final String user = Names.unique("cdc-user").replace('-', '_');
        stack.postgres().createPasswordUser(user, "right-password");
        final List<String> args = validArgs();
        args.removeIf(a -> a.startsWith("database.user="));
        args.add("database.user=" + user);
        args.add("database.password=wrong-password");

        final Exit exit = run("wrong-password", args);

        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.lastLine())
                .contains("ERROR")
                .contains("database.password")
                .contains("database.user");
    }

    private List<String> validArgs() {
        final List<String> args = new ArrayList<>();
        args.add("kafka.bootstrap.servers=" + stack.kafka().bootstrapServers());
        args.add("database.hostname=" + stack.postgres().host());
        args.add("database.port=" + stack.postgres().port());
        args.add("database.user=" + stack.postgres().user());
        args.add("database.dbname=" + stack.postgres().database());
        args.add("topic.prefix=" + Names.unique("jar"));
        args.add("http.port=0");
        args.add("schema.registry.url=" + stack.schemaRegistry().url());
        return args;
    }

    private Exit run(String name, List<String> args) {
        final long start = System.nanoTime();
        final JavaApp app = JavaApp.start(
                "cdc-source-" + name,
                JavaApp.jarOf("cdc-source"),
                args,
                Map.of(),
                LOGS.resolve(Names.unique(name) + ".log"));
        apps.add(app);
        final OptionalInt code = app.waitFor(FAIL_FAST);
        final Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(code)
                .as("exited within %s (log %s)", FAIL_FAST, app.logFile())
                .isPresent();
        final List<String> lines = app.lastLines(1);
        return new Exit(code.getAsInt(), lines.isEmpty() ? "" : lines.get(0), took);
    }

    static int closedPort() {
        return Ports.free();
    }

    private record Exit(int code, String lastLine, Duration took) {}
}
