package io.temporalcdc.runtime;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The one logging setting, {@code log.format}: {@code temporal-cdc/logging.xml} (included by every app's
 * logback.xml) picks the text or the JSON appender from {@code APP_LOG_FORMAT}. Set in the environment it applies
 * from the first line; set anywhere else (the properties file, an argument) the configuration is applied again once
 * the app's settings are read.
 */
final class Logging {
    /** The variable the logging configuration reads (system property or environment). */
    static final String VARIABLE = "APP_LOG_FORMAT";

    private Logging() {}

    /**
     * An {@code APP_LOG_FORMAT} that is neither text nor json names no logging configuration: logback would log
     * nowhere, the error saying so included. Such a value is replaced by text, so that the error can be read.
     *
     * @return the value refused, or null when it is text, json or unset
     */
    static String refuseUnknownVariable() {
        String configured = System.getProperty(VARIABLE, System.getenv(VARIABLE));
        if (configured == null || configured.equals("text") || configured.equals("json")) {
            return null;
        }
        System.setProperty(VARIABLE, "text");
        reconfigure("text");
        return configured;
    }

    /** Switches the log lines to {@code format} (text or json) when the logging configuration chose otherwise. */
    static void format(String format) {
        String configured = System.getProperty(VARIABLE, System.getenv().getOrDefault(VARIABLE, "text"));
        if (format == null || format.equals(configured)) {
            return;
        }
        System.setProperty(VARIABLE, format);
        reconfigure(format);
    }

    private static void reconfigure(String format) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                throw new IllegalStateException("cannot apply log.format=" + format + ": " + e.getMessage(), e);
            }
        }
    }
}
