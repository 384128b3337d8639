package io.temporalcdc.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Start-up checks that fail fast, naming the setting to fix, before any long-lived client starts. */
public final class Preflight {
    private Preflight() {}

    /**
     * Fails unless a Kafka cluster answers within {@code timeout}.
     *
     * @param setting the key that holds the bootstrap servers, named in the error
     * @param adminProps Kafka admin client properties, {@code bootstrap.servers} included
     */
    public static void kafka(String setting, Map<String, Object> adminProps, Duration timeout) {
        Map<String, Object> props = new HashMap<>(adminProps);
        int millis = (int) timeout.toMillis();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "preflight");
        Object servers = props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        check(setting, "Kafka at " + servers + " did not answer within " + timeout.toSeconds() + " s", () -> {
            try (Admin admin = Admin.create(props)) {
                return admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis))
                        .clusterId()
                        .get(millis + 1000L, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Runs {@code check}; any failure becomes a {@link PreflightException} naming {@code setting}. */
    public static <T> T check(String setting, String what, Callable<T> check) {
        try {
            return check.call();
        } catch (PreflightException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PreflightException(setting, what + ": interrupted", e);
        } catch (Exception e) {
            throw new PreflightException(setting, what + ": " + rootMessage(e), e);
        }
    }

    /** The innermost cause of {@code e} (itself when it has none). */
    public static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The innermost cause's class and message, which is what an operator can act on. */
    public static String rootMessage(Throwable e) {
        Throwable root = rootCause(e);
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
