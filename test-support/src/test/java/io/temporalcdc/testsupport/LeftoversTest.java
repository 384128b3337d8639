package io.temporalcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeftoversTest {

    @Test
    void shouldNameRunDirByTimeAndOwnerPid() {
        String name = Leftovers.runDirName(LocalDateTime.of(2026, 11, 24, 5, 6, 7, 89_000_000), 4242);
        assertThat(name).isEqualTo("20261124-050607-089-4242");
        assertThat(Leftovers.ownerPid(Path.of("/x", name))).contains(4242L);
    }

    @Test
    void shouldIgnoreDirsThatAreNotRunDirs() {
        assertThat(Leftovers.ownerPid(Path.of("/x/logs"))).isEmpty();
        assertThat(Leftovers.ownerPid(Path.of("/x/20261124-050607-4242"))).isEmpty();
    }

    @Test
    void shouldDeleteAllButNewestDeadRunDirs() {
        Path a = Path.of("20261124-050000-000-1");
        Path b = Path.of("20261124-060000-000-2");
        Path c = Path.of("20261124-070000-000-3");
        Path d = Path.of("20261124-080000-000-4");
        assertThat(Leftovers.toDelete(List.of(c, a, d, b), 2, p -> false)).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void shouldNeverDeleteLiveRunDirs() {
        Path old = Path.of("20261124-050000-000-1");
        Path live = Path.of("20261124-060000-000-2");
        Path newest = Path.of("20261124-070000-000-3");
        Set<Path> alive = Set.of(live);
        assertThat(Leftovers.toDelete(List.of(old, live, newest), 0, alive::contains))
                .containsExactlyInAnyOrder(old, newest);
    }

    @Test
    void shouldStopOnlyProcessesWhoseCommandLineMatches() {
        PidRecord record = new PidRecord(123, "/run/x/kafka/server.properties");
        assertThat(record.matches(Optional.of("java -cp a kafka.Kafka /run/x/kafka/server.properties")))
                .isTrue();
        assertThat(record.matches(Optional.of("bash -c sleep 100"))).isFalse();
        assertThat(record.matches(Optional.empty())).isFalse();
    }

    @Test
    void shouldRoundTripPidRecords(@TempDir Path dir) {
        new PidRecord(777, "redis-server 127.0.0.1:1234").write(dir, "redis");
        assertThat(PidRecord.read(dir.resolve("redis.pid")))
                .contains(new PidRecord(777, "redis-server 127.0.0.1:1234"));
        assertThat(PidRecord.read(dir.resolve("missing.pid"))).isEmpty();
    }

    @Test
    void shouldStopLeftoverOfDeadOwnerAndKeepLiveOnes(@TempDir Path base) throws Exception {
        Path dead = base.resolve(Leftovers.runDirName(LocalDateTime.now().minusMinutes(5), 999_999_999L));
        java.nio.file.Files.createDirectories(dead);
        Process leftover = new ProcessBuilder("sleep", "300", dead.toString()).start();
        try {
            new PidRecord(leftover.pid(), dead.toString()).write(dead, "fake");
            Path live = base.resolve(Leftovers.runDirName(
                    LocalDateTime.now(), ProcessHandle.current().pid()));
            java.nio.file.Files.createDirectories(live);

            Leftovers.clean(base, 0);

            assertThat(leftover.waitFor(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            assertThat(dead).doesNotExist();
            assertThat(live).exists();
        } finally {
            leftover.destroyForcibly();
        }
    }
}
