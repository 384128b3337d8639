package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a deployable as its own process ({@code java [jvmArgs] -jar <jar> args...}), its standard
 * output and error in a log file. Uses the current JVM's {@code java} when it is 21 or newer, else
 * a JDK 21+ under /usr/lib/jvm. The heap is {@code -Xmx256m} unless the JVM args set one.
 */
public final class JavaApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JavaApp.class);
    private static final String DEFAULT_HEAP = "-Xmx256m";
    /** Apps still running when this JVM exits are stopped, so a test run leaves no deployable behind. */
    private static final Set<JavaApp> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(JavaApp::stopAll, "java-app-shutdown"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;

    private JavaApp(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /** {@code <repo>/<module>/target/<module>-<version>.jar}, as {@code mvn package} builds it. */
    public static Path jarOf(String module) {
        return BuildInfo.repoRoot()
                .resolve(module)
                .resolve("target")
                .resolve(module + "-" + BuildInfo.projectVersion() + ".jar");
    }

    /** Starts {@code java -Xmx256m -jar jar args...} with {@code env} added to this JVM's environment. */
    public static JavaApp start(String name, Path jar, List<String> args, Map<String, String> env, Path logFile) {
        return start(name, jar, List.of(), args, env, logFile);
    }

    /**
     * Starts {@code java jvmArgs... -jar jar args...}; {@code -Xmx256m} is added unless a
     * {@code jvmArgs} element starts with {@code -Xmx}.
     */
    public static JavaApp start(
            String name, Path jar, List<String> jvmArgs, List<String> args, Map<String, String> env, Path logFile) {
        if (!Files.isRegularFile(jar)) {
            throw new StackException(name + ": no jar at " + jar + " (build it with mvn package)");
        }
        List<String> command = command(Jdks.java(), jar, jvmArgs, args);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            LOG.info("Started {} (pid {}), log {}", name, process.pid(), logFile);
            JavaApp app = new JavaApp(name, process, logFile);
            RUNNING.add(app);
            process.onExit().thenRun(() -> RUNNING.remove(app));
            return app;
        } catch (IOException e) {
            throw new StackException(name + " could not be started: " + e.getMessage(), e);
        }
    }

    /** The full command line: java, JVM args (with the default heap unless given), -jar, jar, args. */
    static List<String> command(Path java, Path jar, List<String> jvmArgs, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        if (jvmArgs.stream().noneMatch(a -> a.startsWith("-Xmx"))) {
            command.add(DEFAULT_HEAP);
        }
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        return command;
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Where its output goes. */
    public Path logFile() {
        return logFile;
    }

    /** SIGKILL, then waits for the exit. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
        LOG.info("Killed {} (pid {})", name, process.pid());
    }

    /**
     * SIGTERM, waits up to {@code timeout}, then SIGKILL.
     *
     * @return the exit code
     */
    public int terminate(Duration timeout) {
        process.destroy();
        if (!awaitExit(timeout)) {
            LOG.warn(
                    "{} (pid {}) did not exit within {} s of SIGTERM; killing it",
                    name,
                    process.pid(),
                    timeout.toSeconds());
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(30));
        }
        return process.exitValue();
    }

    /** The exit code if the process exits within {@code timeout}. */
    public OptionalInt waitFor(Duration timeout) {
        return awaitExit(timeout) ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    }

    /** The last {@code n} lines of its output. */
    public List<String> lastLines(int n) {
        return Procs.tail(logFile, n);
    }

    /** Terminates the process (SIGTERM, SIGKILL after 30 s) if it is alive. */
    @Override
    public void close() {
        if (process.isAlive()) {
            terminate(Duration.ofSeconds(30));
        }
    }

    private static void stopAll() {
        for (JavaApp app : List.copyOf(RUNNING)) {
            app.process.destroy();
        }
        for (JavaApp app : List.copyOf(RUNNING)) {
            try {
                if (!app.process.waitFor(10, TimeUnit.SECONDS)) {
                    app.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting for " + name, e);
        }
    }
}
