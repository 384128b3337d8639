package io.temporalcdc.testsupport;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * PostgreSQL in a container (Testcontainers' PostgreSQL module), configured as the processes backend's:
 * {@code wal_level=logical}, room for every module's slots, no fsync, the role {@code temporal} a trusted superuser
 * over TCP and every other role on scram-sha-256 ({@code hba_file} copied in before the start). The stack's listens on
 * the port it is published on; a test's own cluster ({@link #own}) and a streaming replica ({@link #replicaOf}) run
 * in the host's network ({@link HostNetwork}).
 */
final class PostgresContainerServer extends ContainerServer<PostgreSQLContainer> implements OwnPostgres {
    private static final String HBA_FILE = "/etc/temporal-cdc-pg_hba.conf";
    private static final String HBA = String.join(
            "\n",
            "# written by temporal-cdc test-support (the containers backend)",
            "local all all trust",
            "host all temporal all trust",
            "host replication temporal all trust",
            "host all all all scram-sha-256",
            "host replication all all scram-sha-256",
            "");

    private final int port;
    private volatile PostgresServer client;

    /** The stack's: published on the port it listens on. */
    PostgresContainerServer(Path runDir, ContainerImages images) {
        this(runDir, images, Ports.free());
    }

    private PostgresContainerServer(Path runDir, ContainerImages images, int port) {
        this(
                "PostgreSQL",
                cluster(new Cluster(images.postgres(), port, false), port),
                runDir.resolve("postgres"),
                port);
    }

    private PostgresContainerServer(String name, PostgreSQLContainer container, Path dir, int port) {
        super(name, container, dir.resolve("postgres.log"));
        this.port = port;
    }

    /** A cluster of a test's own (fresh), in the host's network on a free port of 127.0.0.1. */
    static PostgresContainerServer own(Path runDir, ContainerImages images) {
        int port = Ports.free();
        return new PostgresContainerServer(
                "PostgreSQL",
                cluster(new Cluster(images.postgres(), port, true), port, "listen_addresses=127.0.0.1"),
                runDir.resolve("postgres"),
                port);
    }

    /**
     * A hot standby of {@code primary} (reachable on this machine's loopback): {@code pg_basebackup -R} from it, then
     * the standby on a free port of 127.0.0.1 with the primary's settings (a standby needs at least its limits), in
     * the host's network.
     */
    static PostgresContainerServer replicaOf(Postgres primary, Path runDir, ContainerImages images) {
        int port = Ports.free();
        List<String> settings = new ArrayList<>(List.of("listen_addresses=127.0.0.1", "hot_standby=on"));
        String postgres = String.join(" ", command(port, settings));
        String script = "set -e; pg_basebackup -h " + primary.host() + " -p " + primary.port() + " -U "
                + primary.user() + " -D \"$PGDATA\" -R -X stream -c fast --no-sync; chmod 700 \"$PGDATA\"; exec "
                + postgres + " -D \"$PGDATA\"";
        PostgreSQLContainer container = new Cluster(images.postgres(), port, true);
        container
                .withCopyToContainer(Transferable.of(HBA, 0644), HBA_FILE)
                // the image runs any other command as is: as the owner of the data directory
                .withCreateContainerCmdModifier(cmd -> cmd.withUser("postgres"))
                .withCommand("bash", "-c", script)
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept read-only connections.*\\s", 1));
        return new PostgresContainerServer("PostgreSQL replica", container, runDir.resolve("postgres-replica"), port);
    }

    /** The stack's cluster or a test's own: the image's init (role and database {@code temporal}), these settings. */
    private static PostgreSQLContainer cluster(PostgreSQLContainer container, int port, String... settings) {
        return container
                .withDatabaseName("temporal")
                .withUsername("temporal")
                // the trusted role needs none over TCP; the image's contract wants one
                .withPassword(UUID.randomUUID().toString())
                .withCopyToContainer(Transferable.of(HBA, 0644), HBA_FILE)
                .withCommand(command(port, List.of(settings)).toArray(String[]::new));
    }

    /**
     * PostgreSQL listening on {@code port}: published on the same port (a connection string naming {@code
     * 127.0.0.1:<port>} then reaches it from this machine and from the server itself, e.g. a subscription of one
     * database of the stack to another, as in the processes backend), or in the host's network.
     */
    private static final class Cluster extends PostgreSQLContainer {
        private final int port;

        Cluster(org.testcontainers.utility.DockerImageName image, int port, boolean hostNetwork) {
            super(image);
            this.port = port;
            setExposedPorts(List.of());
            if (hostNetwork) {
                HostNetwork.in(this);
            } else {
                addFixedExposedPort(port, port);
            }
        }

        @Override
        public String getJdbcUrl() {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + getDatabaseName();
        }
    }

    /** {@code postgres -c k=v …}: the processes backend's settings, then {@code more}. */
    private static List<String> command(int port, List<String> more) {
        List<String> command = new ArrayList<>(List.of("postgres"));
        List<String> settings = new ArrayList<>(List.of(
                "port=" + port,
                "hba_file=" + HBA_FILE,
                "wal_level=logical",
                // one stack serves a whole test run: every module's slots and senders
                "max_replication_slots=64",
                "max_wal_senders=64",
                "max_connections=200",
                // a throwaway cluster; synchronous_commit stays on, as in the processes backend
                "fsync=off",
                "full_page_writes=off",
                "shared_preload_libraries=pg_stat_statements",
                "password_encryption=scram-sha-256"));
        settings.addAll(more);
        for (String setting : settings) {
            command.add("-c");
            command.add(setting);
        }
        return command;
    }

    @Override
    int containerPort() {
        return port;
    }

    @Override
    void started(Path runDir, int port) {
        client = new PostgresServer(runDir, port);
    }

    private PostgresServer client() {
        PostgresServer current = client;
        if (current == null) {
            throw new StackException("PostgreSQL's container is not started");
        }
        return current;
    }

    @Override
    public void pause() {
        stopKeeping();
    }

    @Override
    public void resume(Path runDir, Duration timeout) {
        startAgain();
        Readiness.await(this, timeout, () -> {
            try (Connection connection = connect()) {
                return connection.isValid(2);
            } catch (SQLException notYet) {
                return false;
            }
        });
    }

    @Override
    public String endpoint() {
        return jdbcUrl();
    }

    @Override
    public String host() {
        return client().host();
    }

    @Override
    public int port() {
        return client().port();
    }

    @Override
    public String database() {
        return client().database();
    }

    @Override
    public String user() {
        return client().user();
    }

    @Override
    public String jdbcUrl() {
        return client().jdbcUrl();
    }

    @Override
    public Connection connect() throws SQLException {
        return client().connect();
    }

    @Override
    public String createDatabase(String name) {
        return client().createDatabase(name);
    }

    @Override
    public void createPasswordUser(String name, String password) {
        client().createPasswordUser(name, password);
    }
}
