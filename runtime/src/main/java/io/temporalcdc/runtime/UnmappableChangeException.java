package io.temporalcdc.runtime;

/**
 * A decoded change that an app cannot map to what it writes: a key column is missing, a column has the wrong type,
 * an encoded value does not parse. The message names the column and the reason; the record goes to the app's
 * dead-letter topic and its partition carries on.
 */
public class UnmappableChangeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message the column and what is wrong with it */
    public UnmappableChangeException(String message) {
        super(message);
    }

    /**
     * @param message the column and what is wrong with it
     * @param cause the parser's error
     */
    public UnmappableChangeException(String message, Throwable cause) {
        super(message, cause);
    }
}
