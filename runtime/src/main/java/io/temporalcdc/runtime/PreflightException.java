package io.temporalcdc.runtime;

/** A start-up check failed; {@link #setting()} names the configuration key to look at. */
public final class PreflightException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String setting;

    public PreflightException(String setting, String message, Throwable cause) {
        super(message, cause);
        this.setting = setting;
    }

    /** The configuration key (or keys) whose value made the check fail. */
    public String setting() {
        return setting;
    }
}
