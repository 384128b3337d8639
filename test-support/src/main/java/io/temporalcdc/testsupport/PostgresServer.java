package io.temporalcdc.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PostgreSQL >= 15 from /usr/lib/postgresql, initialised and started in the run dir. */
final class PostgresServer implements OwnPostgres {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final String OS_USER = "postgres";
    private static final String ROLE = "temporal";
    private static final int MAX_SOCKET_PATH = 100;
    private static final int MIN_VERSION = 15;

    private final Path dir;
    private final Path dataDir;
    private final Path logFile;
    private final Path toolLog;
    private final int port;
    /** {@link #findBin()}, looked up at the first start: a client of a server started elsewhere needs none. */
    private Path bin;
    /** The server this one is a streaming replica of, or null for a primary of its own. */
    private final Postgres primary;

    private volatile boolean started;
    /** {@code pg_ctl start -w} returns only once the server runs: close() waits for it, or it would be orphaned. */
    private final Launch launch = new Launch();

    PostgresServer(Path runDir) {
        this(runDir, Ports.free());
    }

    /** A server on a known port: one to start, or one another process started (then never started here). */
    PostgresServer(Path runDir, int port) {
        this(runDir, port, null);
    }

    /**
     * A streaming replica of {@code primary} (a hot standby: {@code pg_basebackup -R}, then started on its own port),
     * or, with a null {@code primary}, a cluster of its own (initdb).
     */
    PostgresServer(Path runDir, int port, Postgres primary) {
        this.primary = primary;
        this.dir = runDir.resolve(primary == null ? "postgres" : "postgres-replica");
        this.dataDir = dir.resolve("data");
        this.logFile = dir.resolve("postgres.log");
        this.toolLog = dir.resolve("tools.log");
        this.port = port;
    }

    @Override
    public String name() {
        return primary == null ? "PostgreSQL" : "PostgreSQL replica";
    }

    @Override
    public String endpoint() {
        return jdbcUrl();
    }

    @Override
    public void start(Path runDir, Duration timeout) {
        try {
            Files.createDirectories(dir);
            Files.createFile(logFile);
            Files.createFile(toolLog);
            Path socketDir = socketDir();
            OsUser.chown(OS_USER, dir, toolLog);
            if (primary != null) {
                startReplica(runDir, socketDir, timeout);
                return;
            }
            Procs.run(
                    "initdb",
                    pg(
                            "initdb",
                            "-D",
                            dataDir.toString(),
                            "-U",
                            "postgres",
                            "-E",
                            "UTF8",
                            "--auth-local=trust",
                            "--auth-host=scram-sha-256",
                            "--no-sync"),
                    Map.of(),
                    toolLog,
                    timeout);
            Files.writeString(dataDir.resolve("pg_hba.conf"), hba());
            Files.writeString(
                    dataDir.resolve("postgresql.conf"), settings(socketDir), java.nio.file.StandardOpenOption.APPEND);
            launch.begin();
            try {
                pgCtlStart(timeout);
                started = true;
            } finally {
                launch.done();
            }
            new PidRecord(postmasterPid(), dataDir.toString()).write(runDir, "postgres");
            Procs.run(
                    "create role and database " + ROLE,
                    pg(
                            "psql",
                            "-h",
                            socketDir.toString(),
                            "-p",
                            Integer.toString(port),
                            "-U",
                            "postgres",
                            "-d",
                            "postgres",
                            "-v",
                            "ON_ERROR_STOP=1",
                            "-c",
                            "CREATE ROLE " + ROLE + " SUPERUSER REPLICATION LOGIN",
                            "-c",
                            "CREATE DATABASE " + ROLE + " OWNER " + ROLE),
                    Map.of(),
                    toolLog,
                    timeout);
        } catch (IOException e) {
            throw new StackException("PostgreSQL could not be set up in " + dir + ": " + e, e);
        }
    }

    /** Copies the primary with pg_basebackup (streaming its WAL, standby.signal written) and starts it. */
    private void startReplica(Path runDir, Path socketDir, Duration timeout) throws IOException {
        Procs.run(
                "pg_basebackup",
                pg(
                        "pg_basebackup",
                        "-h",
                        primary.host(),
                        "-p",
                        Integer.toString(primary.port()),
                        "-U",
                        primary.user(),
                        "-D",
                        dataDir.toString(),
                        "-R",
                        "-X",
                        "stream",
                        "-c",
                        "fast",
                        "--no-sync"),
                Map.of(),
                toolLog,
                timeout);
        // the copied postgresql.conf names the primary's port and socket: the standby's own come last and win
        Files.writeString(
                dataDir.resolve("postgresql.auto.conf"),
                String.join(
                        "\n",
                        "",
                        "# temporal-cdc test-support: a hot standby",
                        "port = " + port,
                        "unix_socket_directories = '" + socketDir + "'",
                        "hot_standby = on",
                        ""),
                java.nio.file.StandardOpenOption.APPEND);
        launch.begin();
        try {
            pgCtlStart(timeout);
            started = true;
        } finally {
            launch.done();
        }
        new PidRecord(postmasterPid(), dataDir.toString()).write(runDir, "postgres-replica");
    }

    private void pgCtlStart(Duration timeout) {
        Procs.run(
                "pg_ctl start",
                pg(
                        "pg_ctl",
                        "-D",
                        dataDir.toString(),
                        "-l",
                        logFile.toString(),
                        "-w",
                        "-t",
                        Long.toString(timeout.toSeconds()),
                        "start"),
                Map.of(),
                toolLog,
                timeout.plusSeconds(5));
    }

    /** Stops the server (fast shutdown: sessions are cut), keeping its data; {@link #resume} starts it again. */
    @Override
    public void pause() {
        pgCtlStop();
    }

    private void pgCtlStop() {
        Procs.run(
                "pg_ctl stop",
                pg("pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "30", "stop"),
                Map.of(),
                toolLog,
                Duration.ofSeconds(40));
    }

    /** Starts a {@link #pause paused} server again, on its port and data. */
    @Override
    public void resume(Path runDir, Duration timeout) {
        pgCtlStart(timeout);
        new PidRecord(postmasterPid(), dataDir.toString()).write(runDir, "postgres");
    }

    @Override
    public void close() {
        launch.awaitIfStarted(Duration.ofSeconds(60));
        if (!started) {
            return;
        }
        started = false;
        try {
            pgCtlStop();
        } catch (StackException e) {
            LOG.warn("pg_ctl stop failed ({}); stopping PostgreSQL by pid", e.getMessage());
            Procs.stop(name(), postmasterPid(), Duration.ofSeconds(20));
        }
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String database() {
        return ROLE;
    }

    @Override
    public String user() {
        return ROLE;
    }

    @Override
    public String jdbcUrl() {
        return urlOf(ROLE);
    }

    @Override
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    @Override
    public String createDatabase(String name) {
        execute("CREATE DATABASE " + quoteIdentifier(name) + " OWNER " + ROLE);
        return urlOf(name);
    }

    @Override
    public void createPasswordUser(String name, String password) {
        execute("CREATE ROLE " + quoteIdentifier(name) + " LOGIN REPLICATION SUPERUSER PASSWORD "
                + quoteLiteral(password));
    }

    @Override
    public Path logFile() {
        return logFile;
    }

    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String quoteLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin} with version >= 15 ({@code tcdc.postgres.bin} overrides). */
    static Path findBin() {
        String override = System.getProperty("tcdc.postgres.bin");
        if (override != null) {
            return Path.of(override);
        }
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .filter(v -> Integer.parseInt(v.getFileName().toString()) >= MIN_VERSION)
                    .filter(v -> Files.isExecutable(v.resolve("bin/pg_ctl")))
                    .max(Comparator.comparingInt(
                            v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> new StackException("no PostgreSQL >= " + MIN_VERSION
                            + " under /usr/lib/postgresql; install it: apt-get install -y postgresql"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String urlOf(String db) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=" + ROLE;
    }

    private void execute(String sql) {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new StackException(
                    "PostgreSQL refused: " + sql.replaceAll("PASSWORD '.*'", "PASSWORD ***") + ": " + e.getMessage(),
                    e);
        }
    }

    private List<String> pg(String tool, String... args) {
        List<String> command = new ArrayList<>();
        if (bin == null) {
            bin = findBin();
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        return OsUser.runAs(OS_USER, command);
    }

    private Path socketDir() throws IOException {
        Path socketDir = dir.resolve("socket");
        if (socketDir.resolve(".s.PGSQL." + port).toString().length() > MAX_SOCKET_PATH) {
            socketDir = Files.createTempDirectory("tcdc-pg-");
            OsUser.chown(OS_USER, socketDir, toolLog);
            return socketDir;
        }
        return Files.createDirectories(socketDir);
    }

    private long postmasterPid() {
        try {
            return Long.parseLong(
                    Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            throw new StackException(
                    "PostgreSQL left no readable postmaster.pid in " + dataDir + "; see " + logFile, e);
        }
    }

    private static String hba() {
        return String.join(
                "\n",
                "# written by temporal-cdc test-support",
                "local all all trust",
                "host all " + ROLE + " 127.0.0.1/32 trust",
                "host replication " + ROLE + " 127.0.0.1/32 trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host replication all 127.0.0.1/32 scram-sha-256",
                "");
    }

    private String settings(Path socketDir) {
        return String.join(
                "\n",
                "",
                "# temporal-cdc test-support",
                "port = " + port,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + socketDir + "'",
                "wal_level = logical",
                // one stack serves a whole test run (bin/test): every module's slots and senders
                "max_replication_slots = 64",
                "max_wal_senders = 64",
                "max_connections = 200",
                // a throwaway cluster: no fsync, no full-page images. synchronous_commit stays on (the seed's
                // setting): with fsync off a commit's WAL write costs nothing, and off would hand a commit to the
                // walsenders (cdc-source, replicas) only at the WAL writer's next flush, up to 200 ms later
                "fsync = off",
                "full_page_writes = off",
                "shared_preload_libraries = 'pg_stat_statements'",
                "password_encryption = 'scram-sha-256'",
                "");
    }
}
