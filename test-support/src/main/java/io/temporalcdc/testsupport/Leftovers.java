package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up what crashed earlier runs left under a stack base dir. A run dir is named
 * {@code <timestamp>-<owner pid>}; while its owner JVM runs, the dir is live and left alone (other
 * test JVMs may share the base dir). In a dead owner's run dir, every pid file whose process still
 * runs with a matching command line is stopped. Then old run dirs are deleted, except the newest few
 * and the live ones.
 */
final class Leftovers {

    private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);
    private static final Pattern RUN_DIR = Pattern.compile("^\\d{8}-\\d{6}-\\d{3}-(\\d+)$");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private Leftovers() {}

    /** Stops leftover servers and deletes old run dirs under {@code baseDir}, keeping the newest {@code keep}. */
    static void clean(Path baseDir, int keep) {
        List<Path> runDirs = runDirs(baseDir);
        Predicate<Path> live = Leftovers::ownerAlive;
        for (Path dir : runDirs) {
            if (!live.test(dir)) {
                stopServers(dir);
            }
        }
        for (Path dir : toDelete(runDirs, keep, live)) {
            delete(dir);
        }
    }

    /** The run dirs to delete: all but the newest {@code keep} (by name), never a live one. */
    static List<Path> toDelete(List<Path> runDirs, int keep, Predicate<Path> live) {
        List<Path> newestFirst = runDirs.stream()
                .sorted(Comparator.comparing((Path p) -> p.getFileName().toString())
                        .reversed())
                .toList();
        return newestFirst.stream()
                .skip(Math.max(0, keep))
                .filter(live.negate())
                .toList();
    }

    /** The pid of the JVM that owns a run dir, from its name; empty if the name is not a run dir's. */
    static Optional<Long> ownerPid(Path runDir) {
        Matcher m = RUN_DIR.matcher(runDir.getFileName().toString());
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** The name of a run dir created now by this JVM: {@code yyyyMMdd-HHmmss-SSS-<pid>}. */
    static String runDirName(java.time.LocalDateTime now, long pid) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
                        .format(now) + "-" + pid;
    }

    private static boolean ownerAlive(Path runDir) {
        return ownerPid(runDir)
                .filter(pid -> pid == ProcessHandle.current().pid()
                        || Procs.commandLine(pid)
                                .map(line -> line.contains("java"))
                                .orElse(false))
                .isPresent();
    }

    private static List<Path> runDirs(Path baseDir) {
        if (!Files.isDirectory(baseDir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(baseDir)) {
            return children.filter(Files::isDirectory)
                    .filter(p -> ownerPid(p).isPresent())
                    .toList();
        } catch (IOException e) {
            LOG.warn("Cannot list stack base dir {}: {}", baseDir, e.toString());
            return List.of();
        }
    }

    private static void stopServers(Path runDir) {
        List<Path> pidFiles = new ArrayList<>();
        try (Stream<Path> files = Files.list(runDir)) {
            files.filter(f -> f.getFileName().toString().endsWith(PidRecord.SUFFIX))
                    .forEach(pidFiles::add);
        } catch (IOException e) {
            LOG.warn("Cannot list run dir {}: {}", runDir, e.toString());
        }
        for (Path pidFile : pidFiles) {
            PidRecord.read(pidFile)
                    .filter(r -> r.matches(Procs.commandLine(r.pid())))
                    .ifPresent(r -> {
                        LOG.warn("Stopping leftover server of a crashed run: {} (pid {})", pidFile, r.pid());
                        Procs.stop(pidFile.toString(), r.pid(), STOP_TIMEOUT);
                    });
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> tree = Files.walk(dir)) {
            tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            LOG.debug("Deleted old stack run dir {}", dir);
        } catch (IOException e) {
            LOG.warn("Cannot delete old stack run dir {}: {}", dir, e.toString());
        }
    }
}
