package io.temporalcdc.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Collects an app's raw settings. Sources, lowest precedence first: the {@code ConfigDef} defaults
 * (applied later, at validation), a properties file ({@code --config FILE}), the environment
 * ({@code APP_FOO_BAR} becomes {@code foo.bar}), and {@code key=value} command-line arguments.
 * Keys therefore use only lowercase letters, digits and dots.
 */
public final class ConfigSources {
    /** Environment variables with this prefix are settings. */
    public static final String ENV_PREFIX = "APP_";

    private ConfigSources() {}

    /**
     * Loads the settings from the command line and the environment.
     *
     * @throws InvalidConfigException listing every unusable argument or an unreadable file
     */
    public static Map<String, String> load(String[] args, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<String, String> fromArgs = new LinkedHashMap<>();
        Path file = parseArgs(args, fromArgs, problems);
        Map<String, String> settings = new LinkedHashMap<>();
        if (file != null) {
            readFile(file, settings, problems);
        }
        settings.putAll(fromEnvironment(env));
        settings.putAll(fromArgs);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return settings;
    }

    /** The settings under {@code prefix}, with the prefix stripped from their keys. */
    public static Map<String, Object> withPrefix(Map<String, ?> settings, String prefix) {
        Map<String, Object> subset = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                subset.put(key.substring(prefix.length()), value);
            }
        });
        return subset;
    }

    /** {@code APP_KAFKA_BOOTSTRAP_SERVERS} becomes {@code kafka.bootstrap.servers}. */
    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> settings = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                String key = name.substring(ENV_PREFIX.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                settings.put(key, value);
            }
        });
        return settings;
    }

    private static Path parseArgs(String[] args, Map<String, String> into, List<String> problems) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config")) {
                if (i + 1 >= args.length) {
                    problems.add("--config: needs a file name");
                } else {
                    file = Path.of(args[++i]);
                }
            } else if (arg.startsWith("--config=")) {
                file = Path.of(arg.substring("--config=".length()));
            } else if (arg.indexOf('=') > 0 && !arg.startsWith("-")) {
                int eq = arg.indexOf('=');
                into.put(arg.substring(0, eq).trim(), arg.substring(eq + 1));
            } else {
                problems.add(arg + ": not understood (expected --config FILE or key=value)");
            }
        }
        return file;
    }

    private static void readFile(Path file, Map<String, String> into, List<String> problems) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            problems.add("--config: cannot read " + file + " (" + e + ")");
            return;
        }
        properties
                .stringPropertyNames()
                .forEach(key -> into.put(key.trim(), properties.getProperty(key).trim()));
    }
}
