package io.temporalcdc.demo;

import java.util.OptionalDouble;

/** Reads values out of Prometheus exposition text (what the apps serve at /metrics). */
public final class PrometheusText {

    private PrometheusText() {}

    /** The sum of every sample of {@code name} (all label sets); empty when there is none. */
    public static OptionalDouble sum(String text, String name) {
        double total = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (isSampleOf(line, name)) {
                total += value(line);
                found = true;
            }
        }
        return found ? OptionalDouble.of(total) : OptionalDouble.empty();
    }

    /** The largest sample of {@code name} carrying {@code quantile="q"} (e.g. "0.99"); empty when absent or NaN. */
    public static OptionalDouble quantile(String text, String name, String quantile) {
        OptionalDouble result = OptionalDouble.empty();
        String label = "quantile=\"" + quantile + "\"";
        for (String line : text.split("\n")) {
            if (isSampleOf(line, name) && line.contains(label)) {
                double value = value(line);
                if (!Double.isNaN(value) && (result.isEmpty() || value > result.getAsDouble())) {
                    result = OptionalDouble.of(value);
                }
            }
        }
        return result;
    }

    private static boolean isSampleOf(String line, String name) {
        if (!line.startsWith(name) || line.length() == name.length()) {
            return false;
        }
        char next = line.charAt(name.length());
        return next == '{' || next == ' ';
    }

    private static double value(String line) {
        int labelsEnd = line.lastIndexOf('}');
        String rest = line.substring(labelsEnd < 0 ? line.indexOf(' ') : labelsEnd + 1)
                .trim();
        String number = rest.split("\\s+")[0];
        try {
            return Double.parseDouble(number);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
