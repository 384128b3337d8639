package io.temporalcdc.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Properties;
import org.testcontainers.utility.DockerImageName;

/**
 * The images of the containers backend. Their versions come from {@code compose/.env}, the one place that names them
 * (copied into this jar by the build), so the tests run the servers {@code compose/compose.yml} deploys:
 *
 * <ul>
 *   <li>{@code upstream} (the default): {@code postgres}, {@code apache/kafka},
 *       {@code docker.elastic.co/elasticsearch/elasticsearch}, {@code redis}, {@code apicurio/apicurio-registry-mem};
 *   <li>{@code local}: the images of {@code compose/compose.local.yml}, built on this machine from a Debian base by
 *       {@code compose/local/build-images.sh --servers}, for machines that reach no image registry.
 * </ul>
 *
 * <p>Chosen by the system property {@value #PROPERTY} or the environment variable {@value #ENV}.
 */
final class ContainerImages {
    /** System property choosing the images. */
    static final String PROPERTY = "stack.images";
    /** Environment variable choosing the images (the system property wins). */
    static final String ENV = "TCDC_STACK_IMAGES";

    private static final String LOCAL = "localhost/temporal-cdc-local/";

    private final Properties versions;
    private final boolean local;

    private ContainerImages(Properties versions, boolean local) {
        this.versions = versions;
        this.local = local;
    }

    /** The images this JVM's settings choose. */
    static ContainerImages fromSettings() {
        String setting = System.getProperty(PROPERTY, System.getenv(ENV));
        String value = setting == null || setting.isBlank()
                ? "upstream"
                : setting.strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "upstream" -> new ContainerImages(composeEnv(), false);
            case "local" -> new ContainerImages(composeEnv(), true);
            default ->
                throw new StackException("unknown " + PROPERTY + " '" + setting + "': use upstream or local (system"
                        + " property " + PROPERTY + " or " + ENV + ")");
        };
    }

    /** {@code upstream} or {@code local}. */
    String label() {
        return local ? "local" : "upstream";
    }

    DockerImageName postgres() {
        return image("postgres:" + version("POSTGRES_VERSION"), "postgres:15");
    }

    DockerImageName kafka() {
        return image("apache/kafka:" + version("KAFKA_VERSION"), "kafka:" + version("TEMPORAL_CDC_VERSION"));
    }

    DockerImageName elasticsearch() {
        return image(
                "docker.elastic.co/elasticsearch/elasticsearch:" + version("ELASTICSEARCH_VERSION"),
                "elasticsearch:" + version("TEMPORAL_CDC_VERSION"));
    }

    DockerImageName redis() {
        return image("redis:" + version("REDIS_VERSION"), "redis:7");
    }

    DockerImageName schemaRegistry() {
        return image(
                "apicurio/apicurio-registry-mem:" + version("APICURIO_VERSION"),
                "schema-registry:" + version("APICURIO_VERSION"));
    }

    /** The upstream image, or the local one standing in for it (Testcontainers' modules accept it then). */
    private DockerImageName image(String upstream, String localName) {
        DockerImageName upstreamName = DockerImageName.parse(upstream);
        return local
                ? DockerImageName.parse(LOCAL + localName).asCompatibleSubstituteFor(upstreamName.getUnversionedPart())
                : upstreamName;
    }

    private String version(String key) {
        String value = versions.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new StackException("compose/.env names no " + key);
        }
        return value.strip();
    }

    private static Properties composeEnv() {
        Properties env = new Properties();
        try (InputStream in = ContainerImages.class.getResourceAsStream("compose/.env")) {
            if (in == null) {
                throw new StackException("compose/.env is not in test-support's jar: rebuild test-support");
            }
            env.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }
}
