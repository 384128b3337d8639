package io.temporalcdc.runtime;

import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Validators and parsers that every app's {@code ConfigDef} shares. */
public final class ConfigTypes {
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

    private ConfigTypes() {}

    /** A validator that describes itself in {@code --help}. */
    public static ConfigDef.Validator validator(String description, BiConsumer<String, Object> check) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                check.accept(name, value);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    /** A validator of durations such as {@code 50ms}, {@code 2m}: {@code example} is shown in {@code --help}. */
    public static ConfigDef.Validator duration(String example) {
        return validator("a duration such as " + example, (name, value) -> {
            if (value == null || !DURATION.matcher(value.toString().trim()).matches()) {
                throw new ConfigException(name, value, "a duration: a number with ms, s, m, h or d, e.g. " + example);
            }
        });
    }

    /**
     * A validator of durations of at least {@code min} and below {@code maxExclusive}, e.g. a timeout the server
     * reads as "forever" when 0, bounded by a client timeout.
     */
    public static ConfigDef.Validator duration(String example, Duration min, Duration maxExclusive) {
        ConfigDef.Validator format = duration(example);
        return validator(
                "a duration such as " + example + ", at least " + min.toMillis() + "ms and below "
                        + maxExclusive.toMillis() + "ms",
                (name, value) -> {
                    format.ensureValid(name, value);
                    Duration duration = parseDuration(value.toString());
                    if (duration.compareTo(min) < 0 || duration.compareTo(maxExclusive) >= 0) {
                        throw new ConfigException(
                                name,
                                value,
                                "must be at least " + min.toMillis() + "ms and below " + maxExclusive.toMillis()
                                        + "ms");
                    }
                });
    }

    /** Parses a duration: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 1d}. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** @return a {@code LIST} value as trimmed, non-empty strings */
    public static List<String> entries(Object value) {
        return value instanceof List<?> list
                ? list.stream()
                        .map(String::valueOf)
                        .map(String::trim)
                        .filter(text -> !text.isEmpty())
                        .toList()
                : List.of();
    }
}
