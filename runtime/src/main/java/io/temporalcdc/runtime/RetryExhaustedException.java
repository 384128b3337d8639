package io.temporalcdc.runtime;

/** An operation failed on every attempt its {@link RetryPolicy} allowed, or was interrupted. */
public final class RetryExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RetryExhaustedException(String message, Throwable cause) {
        super(message, cause);
    }
}
