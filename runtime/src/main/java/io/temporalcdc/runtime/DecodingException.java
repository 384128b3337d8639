package io.temporalcdc.runtime;

/** A record that is not a readable Debezium change event; the message says why. */
public final class DecodingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DecodingException(String message) {
        super(message);
    }

    public DecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
