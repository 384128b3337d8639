package io.temporalcdc.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;

/** What the build recorded for the stack: the Elasticsearch home, the repository root (and the schema registry in it), the broker classpath. */
final class BuildInfo {

    private static final String STACK_PROPERTIES = "stack.filtered.properties";
    private static final String BROKER_CLASSPATH = "kafka-broker.classpath";
    private static final String BROKER_LOG4J = "kafka-log4j2.properties";

    private BuildInfo() {}

    /** The unpacked Elasticsearch distribution (system property {@code tcdc.es.home} overrides). */
    static Path elasticsearchHome() {
        return Path.of(System.getProperty("tcdc.es.home", stackProperty("es.home")))
                .toAbsolutePath()
                .normalize();
    }

    /**
     * The schema registry's Quarkus fast-jar directory, {@code schema-registry/target/quarkus-app} of the repository
     * (system property {@code tcdc.registry.app} overrides).
     */
    static Path schemaRegistryApp() {
        String override = System.getProperty("tcdc.registry.app");
        Path app = override != null
                ? Path.of(override)
                : repoRoot().resolve("schema-registry").resolve("target").resolve("quarkus-app");
        return app.toAbsolutePath().normalize();
    }

    /** The repository root (system property {@code tcdc.repo.root} overrides). */
    static Path repoRoot() {
        return Path.of(System.getProperty("tcdc.repo.root", stackProperty("repo.root")))
                .toAbsolutePath()
                .normalize();
    }

    /** The project version the build ran with. */
    static String projectVersion() {
        return stackProperty("project.version");
    }

    /** The Kafka broker JVM's classpath (absolute jar paths in the local Maven repository). */
    static String brokerClasspath() {
        return resource(BROKER_CLASSPATH).trim();
    }

    /** The log4j2 configuration of the broker JVM. */
    static String brokerLog4j() {
        return resource(BROKER_LOG4J);
    }

    private static String stackProperty(String key) {
        Properties properties = new Properties();
        try (InputStream in = open(STACK_PROPERTIES)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String value = properties.getProperty(key);
        if (value == null || value.contains("${")) {
            throw new StackException(STACK_PROPERTIES + " lacks " + key + ": rebuild test-support");
        }
        return value;
    }

    private static String resource(String name) {
        try (InputStream in = open(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String name) {
        InputStream in = BuildInfo.class.getResourceAsStream(name);
        if (in == null) {
            throw new StackException(
                    "resource " + name + " missing from test-support: rebuild it (mvn install -pl test-support)");
        }
        return in;
    }
}
