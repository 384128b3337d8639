package io.temporalcdc.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;

/**
 * A JVM that starts the daemonizing servers (PostgreSQL, Redis) in a run dir under the base dir
 * given as argument, writes {@code started} into {@code <base>/ready} and then waits to be killed;
 * {@link LeftoversIT} kills it with SIGKILL to play a crashed test run.
 */
public final class CrashedRunMain {

    private CrashedRunMain() {}

    /** Entry point: {@code <base dir>}. */
    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        Path runDir = Files.createDirectories(base.resolve(Leftovers.runDirName(
                LocalDateTime.now(), ProcessHandle.current().pid())));
        new PostgresServer(runDir).start(runDir, Duration.ofSeconds(120));
        new RedisServer(runDir).start(runDir, Duration.ofSeconds(120));
        Files.writeString(base.resolve("ready"), runDir.toString());
        Thread.sleep(600_000);
    }
}
