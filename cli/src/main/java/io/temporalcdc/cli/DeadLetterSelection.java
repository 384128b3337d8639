package io.temporalcdc.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** Which dead letters a command applies to: all, those whose reason contains a text, or offset ranges. */
public final class DeadLetterSelection {
    private static final Pattern RANGE = Pattern.compile("(\\d+):(\\d+)(?:-(\\d+))?");

    @Option(names = "--all", description = "Every dead letter.")
    boolean all;

    @Option(
            names = "--reason",
            paramLabel = "TEXT",
            description = "Dead letters whose reason contains TEXT (case-insensitive).")
    String reason;

    @Option(
            names = "--offsets",
            paramLabel = "P:FROM[-TO]",
            description = "Dead letters of partition P from offset FROM to TO (inclusive; one offset without -TO);"
                    + " repeatable.")
    List<String> offsets = new ArrayList<>();

    /** One offset range. */
    record Range(int partition, long from, long to) {
        boolean contains(DeadLetter letter) {
            return letter.partition() == partition && letter.offset() >= from && letter.offset() <= to;
        }
    }

    /** @return whether anything selects (for a command that must not default to every dead letter) */
    boolean any() {
        return all || reason != null || !offsets.isEmpty();
    }

    List<Range> ranges() {
        List<Range> ranges = new ArrayList<>();
        for (String text : offsets) {
            Matcher m = RANGE.matcher(text.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("--offsets " + text + ": expected P:FROM or P:FROM-TO");
            }
            long from = Long.parseLong(m.group(2));
            long to = m.group(3) == null ? from : Long.parseLong(m.group(3));
            if (to < from) {
                throw new IllegalArgumentException("--offsets " + text + ": TO is before FROM");
            }
            ranges.add(new Range(Integer.parseInt(m.group(1)), from, to));
        }
        return ranges;
    }

    /** @return whether {@code letter} is selected (with nothing given: every one) */
    boolean matches(DeadLetter letter, List<Range> ranges) {
        if (all || !any()) {
            return true;
        }
        boolean byReason =
                reason == null || letter.reason().toLowerCase(Locale.ROOT).contains(reason.toLowerCase(Locale.ROOT));
        boolean byOffset = ranges.isEmpty() || ranges.stream().anyMatch(r -> r.contains(letter));
        return byReason && byOffset;
    }
}
