package io.temporalcdc.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs server commands as the right user: as root, as an unprivileged account (PostgreSQL as
 * {@code postgres} via runuser, Elasticsearch as {@code nobody} via setpriv); as anyone else, as
 * the current user.
 */
final class OsUser {

    private OsUser() {}

    /** Where sbin tools live; a test JVM's PATH does not always have them. */
    static String tool(String name) {
        return Stream.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst()
                .orElse(name);
    }

    /** The command, prefixed with {@code runuser -u <user> --} when running as root. */
    static List<String> runAs(String user, List<String> command) {
        if (!Procs.isRoot()) {
            return command;
        }
        List<String> full = new ArrayList<>(List.of(tool("runuser"), "-u", user, "--"));
        full.addAll(command);
        return full;
    }

    /** Makes {@code user} own a directory tree (as root; does nothing otherwise). */
    static void chown(String user, Path dir, Path log) {
        if (Procs.isRoot()) {
            Procs.run(
                    "chown " + dir,
                    List.of(tool("chown"), "-R", user + ":", dir.toString()),
                    java.util.Map.of(),
                    log,
                    java.time.Duration.ofSeconds(30));
        }
    }

    /** The numeric primary group of a user (e.g. 65534 for nobody). */
    static String groupOf(String user) {
        return Procs.output(List.of(tool("id"), "-g", user))
                .orElseThrow(() -> new StackException("user " + user + " does not exist on this machine"));
    }
}
