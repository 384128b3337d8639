package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** PostgreSQL's client tools against the stack's servers. */
public final class PgTools {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private PgTools() {}

    /**
     * Copies a database to another server with {@code pg_dump} and {@code psql}, as a restore from a dump does
     * (publications and replication slots are not part of it).
     *
     * @param workDir where the dump and the tools' output go
     */
    public static void copyDatabase(Postgres from, String fromDatabase, Postgres to, String toDatabase, Path workDir) {
        Path bin = PostgresServer.findBin();
        Path dump = workDir.toAbsolutePath().resolve("dump-" + fromDatabase + ".sql");
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new StackException("cannot create " + workDir + ": " + e, e);
        }
        Procs.run(
                "pg_dump of " + fromDatabase,
                List.of(
                        bin.resolve("pg_dump").toString(),
                        "-h",
                        from.host(),
                        "-p",
                        Integer.toString(from.port()),
                        "-U",
                        from.user(),
                        "--no-publications",
                        "--no-subscriptions",
                        "-f",
                        dump.toString(),
                        fromDatabase),
                Map.of(),
                workDir.resolve("pg_dump.log"),
                TIMEOUT);
        Procs.run(
                "psql restore into " + toDatabase,
                List.of(
                        bin.resolve("psql").toString(),
                        "-h",
                        to.host(),
                        "-p",
                        Integer.toString(to.port()),
                        "-U",
                        to.user(),
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-q",
                        "-f",
                        dump.toString(),
                        toDatabase),
                Map.of(),
                workDir.resolve("psql.log"),
                TIMEOUT);
    }
}
