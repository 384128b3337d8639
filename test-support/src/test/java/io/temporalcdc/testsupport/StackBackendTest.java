package io.temporalcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class StackBackendTest {

    @Test
    void shouldRunContainersOnAutoOnlyWhenAnEngineAnswers() {
        assertThat(StackBackend.choose(null, () -> Optional.of("unix:///run/podman.sock")))
                .isEqualTo(new StackBackend.Choice(
                        StackBackend.CONTAINERS,
                        "stack.backend=auto: a container engine answers at unix:///run/podman.sock"));
        assertThat(StackBackend.choose("auto", Optional::empty).backend()).isEqualTo(StackBackend.PROCESSES);
        assertThat(StackBackend.choose(" ", Optional::empty).line())
                .isEqualTo("stack backend: processes (stack.backend=auto: no container engine answers"
                        + " (DOCKER_HOST, /var/run/docker.sock))");
    }

    @Test
    void shouldTakeAnExplicitBackendWithoutAskingForAnEngine() {
        assertThat(StackBackend.choose("Containers", () -> {
                            throw new AssertionError("no engine lookup");
                        })
                        .line())
                .isEqualTo("stack backend: containers (stack.backend=containers)");
        assertThat(StackBackend.choose("processes", () -> Optional.of("unix:///x"))
                        .backend())
                .isEqualTo(StackBackend.PROCESSES);
    }

    @Test
    void shouldRefuseAnUnknownBackendNamingTheSettings() {
        assertThatThrownBy(() -> StackBackend.choose("docker", Optional::empty))
                .isInstanceOf(StackException.class)
                .hasMessage("unknown stack.backend 'docker': use auto, processes or containers (system property"
                        + " stack.backend or TCDC_STACK_BACKEND)");
    }
}
