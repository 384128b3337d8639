package io.temporalcdc.invalidator.reader;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.temporalcdc.schemas.RedisKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The two Lua scripts of the cache protocol, shipped as resources ({@code io/temporalcdc/invalidator/lua/}) so that
 * readers in other languages run the same text: {@code invalidate.lua} (the invalidator: unlink, raise the fence) and
 * {@code fill.lua} (a reader: set only if the value's version is at least the fence). Calls use {@code EVALSHA} and
 * fall back to {@code EVAL} once when the server does not have the script (a restart, a failover, {@code SCRIPT
 * FLUSH}).
 */
public final class CacheScripts {
    /** The invalidator's script. */
    public static final CacheScripts INVALIDATE = new CacheScripts("invalidate.lua");
    /** The reader's fill script. */
    public static final CacheScripts FILL = new CacheScripts("fill.lua");
    /** The invalidator's winner fences, with several regions. */
    public static final CacheScripts WINNER = new CacheScripts("winner.lua");

    private final String name;
    private final String text;
    private final String sha;

    private CacheScripts(String name) {
        this.name = name;
        this.text = load(name);
        this.sha = sha1(text);
    }

    /** @return the script's source */
    public String text() {
        return text;
    }

    /** @return the script's SHA-1, as {@code EVALSHA} takes it */
    public String sha() {
        return sha;
    }

    /** Runs the script, sending its text only when the server does not know its SHA-1. */
    public <T> CompletableFuture<T> run(
            RedisAsyncCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        CompletableFuture<T> bySha = redis.<T>evalsha(sha, type, keys, args).toCompletableFuture();
        return bySha.handle((value, error) -> {
                    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                    if (cause instanceof RedisNoScriptException) {
                        return redis.<T>eval(text, type, keys, args).toCompletableFuture();
                    }
                    return error == null
                            ? CompletableFuture.completedFuture(value)
                            : CompletableFuture.<T>failedFuture(cause);
                })
                .thenCompose(future -> future);
    }

    /**
     * @return the fence key of {@code key}: {@code {key}:fence}, literal braces (a Redis Cluster hash tag); see {@link
     *     RedisKeys#fence}
     */
    public static String fenceKey(String key) {
        return RedisKeys.fence(key);
    }

    /** @return the winner fence key of {@code key}: {@code {key}:winner}; see {@link RedisKeys#winner} */
    public static String winnerKey(String key) {
        return RedisKeys.winner(key);
    }

    @Override
    public String toString() {
        return name + " (" + sha + ")";
    }

    private static String load(String name) {
        try (InputStream in = CacheScripts.class.getResourceAsStream("/io/temporalcdc/invalidator/lua/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource io/temporalcdc/invalidator/lua/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
