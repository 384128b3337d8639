package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM on the Kafka broker's classpath (recorded at build time: the broker, Kafka Connect,
 * MirrorMaker 2), logging through the broker's log4j2 configuration, written into its directory.
 */
final class BrokerJvm {
    /** The JVM options of a small helper process (a Connect worker, MirrorMaker 2). */
    static final List<String> SMALL =
            List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

    private BrokerJvm() {}

    /**
     * @param dir the server's directory (its {@code log4j2.properties} is written there)
     * @param logFile where log4j2 writes ({@code tcdc.kafka.log})
     * @return {@code java JVM_ARGS -cp <broker classpath> mainClass args}
     */
    static List<String> command(Path dir, Path logFile, List<String> jvmArgs, String mainClass, String... args)
            throws IOException {
        Files.createDirectories(dir);
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(log4j, BuildInfo.brokerLog4j());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-Dlog4j2.configurationFile=" + log4j.toUri());
        command.add("-Dtcdc.kafka.log=" + logFile);
        command.add("-cp");
        command.add(BuildInfo.brokerClasspath());
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code command} with its output (both streams) appended to {@code dir/stdout.log}. */
    static Process start(List<String> command, Path dir) throws IOException {
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("stdout.log").toFile()))
                .start();
    }
}
