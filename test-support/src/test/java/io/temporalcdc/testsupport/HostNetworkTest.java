package io.temporalcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostNetworkTest {

    @Test
    void shouldNameDockerDesktopsHostNetworkingSettingOnlyOnDockerDesktop() {
        assertThat(HostNetwork.hint("Docker Desktop"))
                .contains("Enable host networking")
                .contains("4.34");
        assertThat(HostNetwork.hint("Debian GNU/Linux 12 (bookworm)")).isEmpty();
        assertThat(HostNetwork.hint("")).isEmpty();
        assertThat(HostNetwork.hint(null)).isEmpty();
    }
}
