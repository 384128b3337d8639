package io.temporalcdc.invalidator.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.time.Duration;

/**
 * A Lettuce connection to the Redis primary: direct for {@code redis://} and {@code rediss://}; for {@code
 * redis-sentinel://…#master} through the sentinels, following the primary across failovers (Lettuce's
 * master/replica connection listens to the sentinels' {@code +switch-master}). Commands fail at once while
 * disconnected (the sink retries them with backoff) instead of queueing behind a reconnect, and time out after
 * {@link #COMMAND_TIMEOUT}.
 */
public final class RedisConnector implements AutoCloseable {
    /** How long one command may take before it counts as failed. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisURI uri;

    private RedisConnector(RedisClient client, StatefulRedisConnection<String, String> connection, RedisURI uri) {
        this.client = client;
        this.connection = connection;
        this.uri = uri;
    }

    /**
     * Connects.
     *
     * @param password the data nodes' password, or null to keep the URI's
     * @throws io.lettuce.core.RedisException when the primary cannot be reached
     */
    public static RedisConnector connect(String redisUri, String password) {
        RedisURI uri = RedisURI.create(redisUri.trim());
        if (password != null && !password.isEmpty()) {
            uri.setCredentialsProvider(new StaticCredentialsProvider(null, password.toCharArray()));
        }
        uri.setTimeout(COMMAND_TIMEOUT);
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofSeconds(3))
                        .build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        try {
            StatefulRedisConnection<String, String> connection;
            if (uri.getSentinels().isEmpty()) {
                connection = client.connect(StringCodec.UTF8, uri);
            } else {
                StatefulRedisMasterReplicaConnection<String, String> primary =
                        MasterReplica.connect(client, StringCodec.UTF8, uri);
                primary.setReadFrom(ReadFrom.UPSTREAM);
                connection = primary;
            }
            return new RedisConnector(client, connection, uri);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    /** @return the connection to the primary */
    public StatefulRedisConnection<String, String> connection() {
        return connection;
    }

    /** @return where it connects, without credentials */
    public String describe() {
        return uri.getSentinels().isEmpty()
                ? uri.getHost() + ":" + uri.getPort()
                : "primary " + uri.getSentinelMasterId() + " of sentinels "
                        + uri.getSentinels().stream()
                                .map(s -> s.getHost() + ":" + s.getPort())
                                .toList();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
