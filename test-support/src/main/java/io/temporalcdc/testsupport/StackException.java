package io.temporalcdc.testsupport;

/** A server of the local stack could not be started, reached or stopped. */
public final class StackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, naming the server and its log file */
    public StackException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the server and its log file
     * @param cause the underlying failure
     */
    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
