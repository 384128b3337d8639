package io.temporalcdc.testsupport;

import java.nio.file.Path;

/** The stack's Redis server on 127.0.0.1, without persistence. */
public interface Redis {

    /** {@code redis://127.0.0.1:P}. */
    String uri();

    /** The TCP port. */
    int port();

    /** The server's log file. */
    Path logFile();
}
