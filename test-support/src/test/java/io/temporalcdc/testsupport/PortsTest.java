package io.temporalcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void shouldHandOutDistinctPortsBelowEphemeralRange() {
        List<Integer> ports = IntStream.range(0, 50).mapToObj(i -> Ports.free()).toList();
        assertThat(ports).doesNotHaveDuplicates().allMatch(p -> p >= Ports.LOW && p < Ports.HIGH);
    }

    @Test
    void shouldSeeListeningPortAsTaken() throws IOException {
        int port = Ports.free();
        try (ServerSocket listening = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(Ports.isFree(port)).isFalse();
        }
        assertThat(Ports.isFree(port)).isTrue();
    }
}
