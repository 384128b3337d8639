package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Finds a JDK 21 or newer: the running JVM if it qualifies, else the newest under /usr/lib/jvm. */
final class Jdks {

    static final int MIN_FEATURE = 21;
    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);

    private Jdks() {}

    /** The home directory of a JDK >= 21. */
    static Path home() {
        if (Runtime.version().feature() >= MIN_FEATURE) {
            return Path.of(System.getProperty("java.home"));
        }
        return underUsrLibJvm()
                .orElseThrow(() -> new StackException("no Java " + MIN_FEATURE + "+ found (running Java "
                        + Runtime.version().feature()
                        + ", nothing suitable under /usr/lib/jvm); install a JDK 21 or newer"));
    }

    /** The {@code java} executable of {@link #home()}. */
    static Path java() {
        return home().resolve("bin").resolve("java");
    }

    private static Optional<Path> underUsrLibJvm() {
        Path root = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            List<Path> candidates = dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")))
                    .filter(d -> feature(d) >= MIN_FEATURE)
                    .sorted(Comparator.comparingInt(Jdks::feature).reversed())
                    .toList();
            return candidates.stream().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The feature version a JDK's {@code release} file declares (0 if unknown). */
    static int feature(Path jdkHome) {
        try {
            Matcher m = JAVA_VERSION.matcher(Files.readString(jdkHome.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
