package io.temporalcdc.testsupport;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The stack's PostgreSQL in a container (Testcontainers' PostgreSQL module), configured as the processes backend's:
 * {@code wal_level=logical}, room for every module's slots, no fsync, the role {@code temporal} a trusted superuser
 * over TCP and every other role on scram-sha-256 ({@code hba_file} copied in before the start); listening on the
 * port it is published on.
 */
final class PostgresContainerServer extends ContainerServer<PostgreSQLContainer> implements Postgres {
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

    PostgresContainerServer(Path runDir, ContainerImages images) {
        this(runDir, images, Ports.free());
    }

    private PostgresContainerServer(Path runDir, ContainerImages images, int port) {
        super(
                "PostgreSQL",
                new SamePort(images.postgres(), port)
                        .withDatabaseName("temporal")
                        .withUsername("temporal")
                        // the trusted role needs none over TCP; the image's contract wants one
                        .withPassword(UUID.randomUUID().toString())
                        .withCopyToContainer(Transferable.of(HBA, 0644), HBA_FILE)
                        .withCommand(command(port)),
                runDir.resolve("postgres").resolve("postgres.log"));
        this.port = port;
    }

    /**
     * The server listens on the port it is published on: a connection string naming {@code 127.0.0.1:<port>} then
     * reaches it from this machine and from the server itself (a subscription of one database of the stack to
     * another, as in the processes backend).
     */
    private static final class SamePort extends PostgreSQLContainer {
        SamePort(org.testcontainers.utility.DockerImageName image, int port) {
            super(image);
            setExposedPorts(List.of());
            addFixedExposedPort(port, port);
        }
    }

    /** {@code postgres -c k=v …}: the processes backend's settings. */
    private static String[] command(int port) {
        List<String> command = new ArrayList<>(List.of("postgres"));
        for (String setting : List.of(
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
                "password_encryption=scram-sha-256")) {
            command.add("-c");
            command.add(setting);
        }
        return command.toArray(String[]::new);
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
