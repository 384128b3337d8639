package io.temporalcdc.cli;

/** A failure the operator can act on: its message is printed without a stack trace, and the tool exits. */
public class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(String message) {
        this(message, TemporalCdc.FAILED);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** @return the tool's exit code */
    public int exitCode() {
        return exitCode;
    }
}
