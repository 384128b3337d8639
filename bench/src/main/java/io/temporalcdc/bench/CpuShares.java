package io.temporalcdc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where the machine's CPU went during a measurement: the CPU time (user + system, from {@code /proc}) of the
 * processes of each part of the stack, between {@link #start()} and {@link #stop()}, as a share of one core.
 */
final class CpuShares {
    private static final long TICKS_PER_SECOND = 100;

    /** The parts, recognized by their command lines (checked in this order: the bench's own names jars first). */
    private static final Map<String, String> PARTS = new LinkedHashMap<>();

    static {
        PARTS.put("bench (load, probes)", "io.temporalcdc.bench.BenchMain");
        PARTS.put("indexer", "visibility-indexer.jar");
        PARTS.put("invalidator", "cache-invalidator.jar");
        PARTS.put("aggregator", "metrics-aggregator.jar");
        PARTS.put("cdc-source", "cdc-source.jar");
        PARTS.put("Kafka", "kafka.Kafka ");
        PARTS.put("Elasticsearch", "org.elasticsearch.bootstrap");
        PARTS.put("Redis", "redis-server");
        PARTS.put("PostgreSQL", "postgres: ");
    }

    private Map<String, Long> before;
    private long startNanos;
    private Map<String, Long> used;
    private double seconds;

    static CpuShares start() {
        CpuShares shares = new CpuShares();
        shares.before = ticksByPart();
        shares.startNanos = System.nanoTime();
        return shares;
    }

    void stop() {
        seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Long> after = ticksByPart();
        used = new LinkedHashMap<>();
        after.forEach((part, ticks) -> used.put(part, ticks - before.getOrDefault(part, 0L)));
    }

    /** e.g. {@code indexer 105%, Elasticsearch 48%, ...} (100% = one core busy the whole time). */
    String describe() {
        StringJoiner text = new StringJoiner(", ");
        used.forEach((part, ticks) -> {
            double share = ticks / (double) TICKS_PER_SECOND / seconds * 100;
            if (share >= 1) {
                text.add(part + " " + Math.round(share) + "%");
            }
        });
        return text.toString();
    }

    private static Map<String, Long> ticksByPart() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        PARTS.keySet().forEach(part -> ticks.put(part, 0L));
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                String part = partOf(process);
                if (part != null) {
                    ticks.merge(part, cpuTicks(process), Long::sum);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing to report
        }
        return ticks;
    }

    private static String partOf(Path process) {
        try {
            String commandLine = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
            for (Map.Entry<String, String> part : PARTS.entrySet()) {
                if (commandLine.contains(part.getValue())) {
                    return part.getKey();
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return null;
    }

    private static long cpuTicks(Path process) {
        try {
            String stat = Files.readString(process.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 0, utime field 11, stime field 12
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
