package io.temporalcdc.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A server process the stack started: its pid and a signature, a string its command line contains
 * (so a recycled pid is never mistaken for the server). Stored as {@code <run dir>/<server>.pid}.
 *
 * @param pid the server's process id
 * @param signature a substring of the server's command line
 */
record PidRecord(long pid, String signature) {

    static final String SUFFIX = ".pid";

    /** Writes the record as {@code <runDir>/<server>.pid}: the pid, then the signature, one a line. */
    void write(Path runDir, String server) {
        try {
            Files.writeString(runDir.resolve(server + SUFFIX), pid + "\n" + signature + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a pid file written by {@link #write}; empty when it is missing or malformed. */
    static Optional<PidRecord> read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.size() < 2 || lines.get(1).isBlank()) {
                return Optional.empty();
            }
            return Optional.of(new PidRecord(
                    Long.parseLong(lines.get(0).trim()), lines.get(1).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether a process with this command line (empty: no such process) is the recorded server. */
    boolean matches(Optional<String> commandLine) {
        return commandLine.map(line -> line.contains(signature)).orElse(false);
    }
}
