package io.temporalcdc.runtime.registry;

/**
 * A schema registry call that failed. {@link #status()} is the HTTP status (0 when the registry could not be
 * reached), {@link #errorCode()} Confluent's {@code error_code} when the registry gave one (e.g. 40401 subject not
 * found, 40403 schema not found, 409 incompatible, 42201 invalid schema; Apicurio answers 0 on a 409), and {@link
 * #subject()} the subject the call was about, if any.
 */
public class SchemaRegistryException extends RuntimeException {
    private final int status;
    private final int errorCode;
    private final String subject;

    public SchemaRegistryException(String message, int status, int errorCode, String subject, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
        this.subject = subject;
    }

    /** The HTTP status; 0 when no response came. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code}, or -1 when it gave none. */
    public int errorCode() {
        return errorCode;
    }

    /** The subject of the call, or null. */
    public String subject() {
        return subject;
    }

    /** Whether the registry was unreachable or failed on its side (worth a retry), not a refusal. */
    public boolean isTransient() {
        return status == 0 || status >= 500 || status == 429 || status == 408;
    }

    /** Whether the registry refused a schema as incompatible with the subject's versions. */
    public boolean isIncompatible() {
        return status == 409;
    }

    /** Whether what was asked for does not exist (subject, version or schema id). */
    public boolean isNotFound() {
        return status == 404;
    }
}
