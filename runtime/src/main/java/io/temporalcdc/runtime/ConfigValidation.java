package io.temporalcdc.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;

/** Validates every key of a {@link ConfigDef} at once, so all problems are reported together. */
public final class ConfigValidation {
    private ConfigValidation() {}

    /**
     * Validates {@code settings} against {@code def}.
     *
     * @throws InvalidConfigException naming every invalid or missing setting
     */
    public static void validateAll(ConfigDef def, Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        for (ConfigValue value : def.validateAll(settings).values()) {
            for (String message : value.errorMessages()) {
                problems.add(value.name() + ": " + message);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
    }

    /** A validator of a URL setting that may be empty: otherwise {@code http(s)://host[:port][/path]}. */
    public static ConfigDef.Validator optionalHttpUrl() {
        return ConfigDef.LambdaValidator.with(
                (name, value) -> {
                    String text = value == null ? "" : value.toString().strip();
                    if (text.isEmpty()) {
                        return;
                    }
                    java.net.URI uri;
                    try {
                        uri = java.net.URI.create(text);
                    } catch (IllegalArgumentException e) {
                        throw new org.apache.kafka.common.config.ConfigException(name, value, "not a URL");
                    }
                    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                        throw new org.apache.kafka.common.config.ConfigException(
                                name, value, "must be http(s)://host[:port][/path]");
                    }
                },
                () -> "empty or http(s)://host[:port][/path]");
    }

    /** A copy of {@code appDef} with the keys every app has: {@code http.port} and {@code http.host}. */
    static ConfigDef withCommonKeys(ConfigDef appDef, int defaultHttpPort) {
        ConfigDef def = new ConfigDef(appDef);
        if (!def.names().contains(App.HTTP_PORT)) {
            def.define(
                    App.HTTP_PORT,
                    ConfigDef.Type.INT,
                    defaultHttpPort,
                    ConfigDef.Range.between(0, 65535),
                    ConfigDef.Importance.MEDIUM,
                    "Port of the /health and /metrics HTTP endpoints; 0 picks a free port.");
        }
        if (!def.names().contains(App.HTTP_HOST)) {
            def.define(
                    App.HTTP_HOST,
                    ConfigDef.Type.STRING,
                    "0.0.0.0",
                    new ConfigDef.NonEmptyString(),
                    ConfigDef.Importance.LOW,
                    "Address the /health and /metrics HTTP endpoints bind to.");
        }
        if (!def.names().contains(App.LOG_FORMAT)) {
            def.define(
                    App.LOG_FORMAT,
                    ConfigDef.Type.STRING,
                    "text",
                    ConfigDef.ValidString.in("text", "json"),
                    ConfigDef.Importance.LOW,
                    "Log lines on stdout: text, or json (one JSON object per line, logstash-logback-encoder's"
                            + " fields: @timestamp, level, logger_name, thread_name, message, stack_trace). Set as"
                            + " APP_LOG_FORMAT in the environment, it applies from the first line.");
        }
        return def;
    }
}
