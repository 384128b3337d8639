package io.temporalcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A data node killed and started again is stopped with the group: no redis-server outlives its test. */
class RedisSentinelsIT {

    private static List<ProcessHandle> redisOn(int port) {
        String signature = "redis-server 127.0.0.1:" + port;
        return ProcessHandle.allProcesses()
                .filter(p -> Procs.commandLine(p.pid()).orElse("").contains(signature))
                .toList();
    }

    @Test
    void shouldStopANodeStartedAgainAfterASigkill() {
        Path base =
                Path.of("target", "redis-sentinels-it", Names.unique("base")).toAbsolutePath();
        int port;
        try (RedisSentinels group = RedisSentinels.start(base)) {
            port = group.killPrimary();
            assertThat(redisOn(port)).isEmpty();
            group.startAgain(port); // its pid file from before the kill is still there
            assertThat(redisOn(port)).hasSize(1);
        }
        assertThat(redisOn(port))
                .as("redis-server on port %d after close()", port)
                .isEmpty();
    }
}
