package io.temporalcdc.testsupport;

import java.nio.file.Path;
import java.time.Duration;

/** One server of the stack: started once, in the run dir, and closed by the stack. */
interface Server extends AutoCloseable {

    /** A human name used in logs and errors, e.g. "PostgreSQL". */
    String name();

    /** How clients reach it (URL or host:port). */
    String endpoint();

    /** Its log file, named in every readiness error. */
    Path logFile();

    /** Starts it and waits until it is ready, or throws a {@link StackException} naming the log file. */
    void start(Path runDir, Duration timeout);

    /** Stops it if it was started; never throws. */
    @Override
    void close();
}
