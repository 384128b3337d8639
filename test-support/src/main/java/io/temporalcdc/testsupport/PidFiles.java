package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the pid files servers write themselves. */
final class PidFiles {

    private PidFiles() {}

    /** The pid in a server's own pid file, or null when it is missing or unreadable. */
    static Long read(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
