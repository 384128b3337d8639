package io.temporalcdc.schemas;

/** The one unchecked exception of this module: a contract resource could not be loaded or the schema not applied. */
public final class SchemaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause the underlying failure
     */
    public SchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
