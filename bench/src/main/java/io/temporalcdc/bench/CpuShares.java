package io.temporalcdc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Where the machine's CPU went during a measurement: the CPU time (user + system, from {@code /proc}) of the
 * processes of each part of the stack, between {@link #start()} and {@link #stop()}, as a share of one core.
 */
final class CpuShares {
    private static final long TICKS_PER_SECOND = 100;
    private static final String POSTGRESQL = "PostgreSQL";

    /**
     * The parts, recognized by their command lines (checked in this order: the bench's own names jars first; the bench's
     * JVM is also the engine under test in the source scenarios, which run cdc-source and bare Debezium in-process).
     */
    private static final Map<String, Predicate<String>> PARTS = new LinkedHashMap<>();

    static {
        PARTS.put("bench (load, probes)", contains("io.temporalcdc.bench.BenchMain"));
        PARTS.put("indexer", contains("visibility-indexer.jar"));
        PARTS.put("invalidator", contains("cache-invalidator.jar"));
        PARTS.put("aggregator", contains("metrics-aggregator.jar"));
        PARTS.put("cdc-source", contains("cdc-source.jar"));
        PARTS.put("Kafka", contains("kafka.Kafka "));
        PARTS.put("Elasticsearch", contains("org.elasticsearch.bootstrap"));
        PARTS.put("Redis", contains("redis-server"));
        // the postmaster runs as .../bin/postgres; its backends show "postgres: ..." when they set their title
        Pattern postgres = Pattern.compile("^(\\S*/)?postgres( |: )");
        PARTS.put(POSTGRESQL, commandLine -> postgres.matcher(commandLine).lookingAt());
    }

    private static Predicate<String> contains(String text) {
        return commandLine -> commandLine.contains(text);
    }

    private Map<String, Long> before;
    private long[] machineBefore;
    /** The share of the machine's CPU time (all cores) that was busy, 0 to 1. */
    private double machineBusy;

    private long startNanos;
    private Map<String, Long> used;
    private double seconds;

    static CpuShares start() {
        CpuShares shares = new CpuShares();
        shares.before = ticksByPart();
        shares.machineBefore = machineTicks();
        shares.startNanos = System.nanoTime();
        return shares;
    }

    void stop() {
        seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Long> after = ticksByPart();
        long[] machineAfter = machineTicks();
        long all = machineAfter[0] - machineBefore[0];
        machineBusy = all <= 0 ? 0 : (all - (machineAfter[1] - machineBefore[1])) / (double) all;
        used = new LinkedHashMap<>();
        after.forEach((part, ticks) -> used.put(part, ticks - before.getOrDefault(part, 0L)));
    }

    /** e.g. {@code indexer 105%, Elasticsearch 48%, ... (total 170%)} (100% = one core busy the whole time). */
    String describe() {
        StringJoiner text = new StringJoiner(
                ", ",
                "",
                " (total " + Math.round(total()) + "%; the machine's cores " + Math.round(machineBusy * 100)
                        + "% busy)");
        used.forEach((part, ticks) -> {
            double share = share(ticks, seconds);
            if (share >= 1) {
                text.add(part + " " + Math.round(share) + "%");
            }
        });
        return text.toString();
    }

    /** All cores' ticks and their idle ticks (idle + iowait) so far, from {@code /proc/stat}; zeros if unreadable. */
    private static long[] machineTicks() {
        try {
            String[] fields =
                    Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long all = 0;
            // user, nice, system, idle, iowait, irq, softirq, steal (guest time is already in user and nice)
            for (int i = 1; i <= 8 && i < fields.length; i++) {
                all += Long.parseLong(fields[i]);
            }
            return new long[] {all, Long.parseLong(fields[4]) + Long.parseLong(fields[5])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** The parts' CPU together, in % of one core. */
    double total() {
        return share(used.values().stream().mapToLong(Long::longValue).sum(), seconds);
    }

    /**
     * CPU ticks so far of a JVM's JIT compiler threads ({@code C1 CompilerThre…}, {@code C2 CompilerThre…} in {@code
     * /proc/<pid>/task/<tid>/stat}); 0 if unreadable. A compiler thread that exits takes its ticks with it: HotSpot
     * adds and retires compiler threads as the queue grows and shrinks, down to one of each kind, which is all a
     * two-core machine gets.
     */
    static long compilerTicks(long pid) {
        long ticks = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads) {
                try {
                    String stat = Files.readString(thread.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        ticks += cpuTicks(thread, false);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread is gone
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return ticks;
    }

    /** @return {@code ticks} over {@code seconds} as a share of one core, in % */
    static double share(long ticks, double seconds) {
        return ticks / (double) TICKS_PER_SECOND / seconds * 100;
    }

    private static Map<String, Long> ticksByPart() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        PARTS.keySet().forEach(part -> ticks.put(part, 0L));
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                String part = partOf(process);
                if (part != null) {
                    // PostgreSQL's backends (a walsender among them) come and go within a measurement: what the
                    // exited ones used is in the postmaster's reaped children's times
                    ticks.merge(part, cpuTicks(process, part.equals(POSTGRESQL)), Long::sum);
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
            for (Map.Entry<String, Predicate<String>> part : PARTS.entrySet()) {
                if (part.getValue().test(commandLine)) {
                    return part.getKey();
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return null;
    }

    private static long cpuTicks(Path process, boolean withReapedChildren) {
        try {
            String stat = Files.readString(process.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 0, utime field 11, stime field 12, the reaped children's
            // cutime and cstime fields 13 and 14
            long own = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return withReapedChildren ? own + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : own;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
