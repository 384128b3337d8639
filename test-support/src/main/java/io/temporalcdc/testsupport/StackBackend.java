package io.temporalcdc.testsupport;

import java.util.Locale;
import java.util.Optional;

/**
 * Which servers a {@link LocalStack} runs: local processes (PostgreSQL and Redis from Debian's packages, Kafka and
 * Elasticsearch from Maven Central) or containers (Testcontainers, on Docker or podman).
 *
 * <p>Chosen by the system property {@value #PROPERTY} or the environment variable {@value #ENV} ({@code auto},
 * {@code processes} or {@code containers}; default {@code auto}): {@code auto} runs containers when a container
 * engine answers ({@link ContainerEngine#answering()}) and processes otherwise.
 */
public enum StackBackend {
    /** Local processes on free loopback ports. */
    PROCESSES,
    /** Containers with published loopback ports, started by Testcontainers. */
    CONTAINERS;

    /** System property choosing the backend. */
    public static final String PROPERTY = "stack.backend";
    /** Environment variable choosing the backend (the system property wins). */
    public static final String ENV = "TCDC_STACK_BACKEND";

    /**
     * The backend and why it was chosen.
     *
     * @param backend the backend
     * @param reason one line for the log: the setting, or what {@code auto} found
     */
    public record Choice(StackBackend backend, String reason) {
        /** {@code stack backend: containers (stack.backend=auto: an engine answers at unix:///…)}. */
        public String line() {
            return "stack backend: " + backend.label() + " (" + reason + ")";
        }
    }

    /** {@code processes} or {@code containers}: the name the setting uses. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static volatile Choice ofThisJvm;

    /**
     * The backend of the servers a test starts for itself ({@link OwnServers}, {@link RedisSentinels}): this JVM's
     * settings, chosen once (an attached test JVM gets the shared stack's from {@code bin/test}, which exports it).
     */
    public static StackBackend ofThisJvm() {
        Choice choice = ofThisJvm;
        if (choice == null) {
            synchronized (StackBackend.class) {
                if (ofThisJvm == null) {
                    ofThisJvm = choose();
                    org.slf4j.LoggerFactory.getLogger(StackBackend.class)
                            .info("servers of a test's own: {}", ofThisJvm.line());
                }
                choice = ofThisJvm;
            }
        }
        return choice.backend();
    }

    /** The backend this JVM's settings choose. */
    public static Choice choose() {
        String setting = System.getProperty(PROPERTY, System.getenv(ENV));
        return choose(setting, ContainerEngine::answering);
    }

    /**
     * @param setting {@code auto}, {@code processes}, {@code containers} or null (= auto)
     * @param engine where a container engine answers, or empty
     * @throws StackException for any other setting
     */
    static Choice choose(String setting, java.util.function.Supplier<Optional<String>> engine) {
        String value =
                setting == null || setting.isBlank() ? "auto" : setting.strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "processes" -> new Choice(PROCESSES, PROPERTY + "=processes");
            case "containers" -> new Choice(CONTAINERS, PROPERTY + "=containers");
            case "auto" ->
                engine.get()
                        .map(at -> new Choice(CONTAINERS, PROPERTY + "=auto: a container engine answers at " + at))
                        .orElseGet(() -> new Choice(
                                PROCESSES,
                                PROPERTY + "=auto: no container engine answers (DOCKER_HOST, /var/run/docker.sock)"));
            default ->
                throw new StackException("unknown " + PROPERTY + " '" + setting
                        + "': use auto, processes or containers (system property " + PROPERTY + " or " + ENV + ")");
        };
    }
}
