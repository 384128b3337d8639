package io.temporalcdc.testsupport;

import java.nio.file.Path;
import java.time.Duration;

/** A PostgreSQL server a test owns ({@link OwnServers}): a process or a container, stopped and started again at will. */
interface OwnPostgres extends Postgres, Server {

    /** Stops the server (sessions are cut), keeping its data; {@link #resume} starts it again. */
    void pause();

    /** Starts a {@link #pause paused} server again, on its port and data, and waits until it answers. */
    void resume(Path runDir, Duration timeout);
}
