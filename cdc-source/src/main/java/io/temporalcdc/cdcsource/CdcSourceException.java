package io.temporalcdc.cdcsource;

/** The one unchecked exception of cdc-source: wraps the cause of a failed batch or engine. */
public final class CdcSourceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CdcSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
