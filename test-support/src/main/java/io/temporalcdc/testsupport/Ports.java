package io.temporalcdc.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports. Ports are drawn at random below Linux's ephemeral range (so outgoing
 * client connections never hold them), checked by binding, and never handed out twice by one JVM.
 */
public final class Ports {

    static final int LOW = 10_000;
    static final int HIGH = 30_000;
    private static final int ATTEMPTS = 500;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {}

    /** A port on 127.0.0.1 that was free a moment ago and that this JVM has not handed out before. */
    public static synchronized int free() {
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (!HANDED_OUT.contains(port) && isFree(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port found in " + LOW + ".." + HIGH);
    }

    /** Whether a server socket can bind 127.0.0.1:port right now. */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as servers bind: TIME_WAIT leftovers do not block
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
