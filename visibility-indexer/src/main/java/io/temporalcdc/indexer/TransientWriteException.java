package io.temporalcdc.indexer;

/**
 * A write that may succeed if tried again: connection refused or reset, a timeout, 429 or a 5xx answer.
 */
public final class TransientWriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause the client's error, if any
     */
    public TransientWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
