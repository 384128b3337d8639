package io.temporalcdc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Samples a process's resident memory ({@code VmRSS}) every 500 ms. */
final class RssSampler {
    private final long pid;
    private final Thread thread;
    private volatile boolean running = true;
    private long max;
    private long total;
    private long count;

    private RssSampler(long pid) {
        this.pid = pid;
        this.thread = new Thread(this::sample, "rss-" + pid);
        this.thread.setDaemon(true);
    }

    static RssSampler start(long pid) {
        RssSampler sampler = new RssSampler(pid);
        sampler.thread.start();
        return sampler;
    }

    private void sample() {
        while (running) {
            long kib = rssKib(pid);
            synchronized (this) {
                if (kib > 0) {
                    max = Math.max(max, kib);
                    total += kib;
                    count++;
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void stop() {
        running = false;
        thread.interrupt();
    }

    synchronized long maxMiB() {
        return max / 1024;
    }

    synchronized long meanMiB() {
        return count == 0 ? 0 : total / count / 1024;
    }

    private static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
