package io.temporalcdc.testsupport;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Unique names for test resources: topics, Kafka Streams application ids, Elasticsearch index
 * prefixes, databases. A name is lowercase, made of {@code [a-z0-9-]}, starts with a letter or
 * digit, and is safe in every one of those places.
 */
public final class Names {

    private static final int MAX_BASE_LENGTH = 40;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private Names() {}

    /**
     * Returns {@code <base>-<random>-<counter>}: the base sanitized (lowercased, every character
     * outside {@code [a-z0-9-]} replaced by {@code -}, leading dashes dropped, at most 40
     * characters), a random part that differs between JVMs and a counter that differs within one.
     *
     * @param base a readable stem, e.g. the test's name
     * @return a name no other call returns
     */
    public static String unique(String base) {
        String random =
                Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36, 36 * 36 * 36 * 36 * 36), 36);
        return sanitize(base) + "-" + random + "-" + COUNTER.incrementAndGet();
    }

    /** The base part of {@link #unique(String)}; never empty. */
    static String sanitize(String base) {
        String lower = (base == null ? "" : base).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String trimmed = lower.replaceAll("^-+", "").replaceAll("-{2,}", "-");
        if (trimmed.length() > MAX_BASE_LENGTH) {
            trimmed = trimmed.substring(0, MAX_BASE_LENGTH);
        }
        trimmed = trimmed.replaceAll("-+$", "");
        return trimmed.isEmpty() ? "x" : trimmed;
    }
}
