package io.temporalcdc.cdcsource.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.runtime.RetryPolicy;
import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import io.temporalcdc.runtime.registry.SchemaRegistryException;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.Ports;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** runtime's registry client against the stack's real registry (Apicurio's Confluent API, global BACKWARD). */
class SchemaRegistryClientIT {

    private static final String V1 =
            "{\"type\":\"record\",\"name\":\"Run\",\"namespace\":\"t\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"Run\",\"namespace\":\"t\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"customer_id\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    private static final String RETYPED =
            "{\"type\":\"record\",\"name\":\"Run\",\"namespace\":\"t\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";

    private final SchemaRegistryClient client =
            SchemaRegistryClient.of(LocalStack.shared().schemaRegistry().url(), null);

    @Test
    void shouldRegisterLookUpAndReadSchemasByIdAndVersion() {
        String subject = Names.unique("client") + "-value";

        int id = client.register(subject, V1);

        assertThat(client.register(subject, V1)).as("the same schema again").isEqualTo(id);
        assertThat(client.versions(subject)).containsExactly(1);
        assertThat(client.subjects()).contains(subject);
        assertThat(new org.apache.avro.Schema.Parser().parse(client.schemaById(id)))
                .isEqualTo(new org.apache.avro.Schema.Parser().parse(V1));
        SchemaRegistryClient fresh =
                SchemaRegistryClient.of(LocalStack.shared().schemaRegistry().url(), null);
        assertThat(fresh.lookup(subject, V1)).as("looked up, not cached").contains(id);
        assertThat(fresh.lookup(subject, V2)).isEmpty();
        assertThat(fresh.version(subject, "latest").id()).isEqualTo(id);
        assertThat(fresh.version(subject, "1").version()).isEqualTo(1);
        assertThat(fresh.versions(Names.unique("none") + "-value")).isEmpty();
    }

    @Test
    void shouldAcceptACompatibleVersionAndRefuseAnIncompatibleOneNamingTheSubject() {
        String subject = Names.unique("evolve") + "-value";
        int first = client.register(subject, V1);

        assertThat(client.isCompatible(subject, V2)).isTrue();
        assertThat(client.isCompatible(subject, RETYPED)).isFalse();
        assertThat(client.register(subject, V2)).isNotEqualTo(first);
        assertThat(client.versions(subject)).containsExactly(1, 2);

        assertThatThrownBy(() -> client.register(subject, RETYPED))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isIncompatible()).isTrue();
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.subject()).isEqualTo(subject);
                })
                .hasMessageContaining(subject)
                .hasMessageContaining("409");
        assertThat(client.versions(subject)).hasSize(2);
    }

    @Test
    void shouldReportAnUnknownIdAsNotFoundWithoutRetrying() {
        assertThatThrownBy(() -> client.schemaById(987_654_321))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.isNotFound()).isTrue())
                .hasMessageContaining("404");
    }

    @Test
    void shouldRetryARegistryThatDoesNotAnswerThenFailWithStatusZero() throws Exception {
        int port = Ports.free();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SchemaRegistryClient unreachable = new SchemaRegistryClient(
                "http://127.0.0.1:" + port,
                Duration.ofSeconds(1),
                new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20)),
                meters);

        assertThatThrownBy(() -> unreachable.register("s-value", V1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.isTransient()).isTrue();
                })
                .hasMessageContaining("3 attempts")
                .hasMessageContaining("subject s-value");
        assertThat(meters.get("retries")
                        .tag("retrier", "schema-registry")
                        .counter()
                        .count())
                .isEqualTo(2.0);
    }

    @Test
    void shouldRefuseAUrlThatIsNotHttp() {
        assertThatThrownBy(() -> SchemaRegistryClient.of("registry:8081", null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
