package io.temporalcdc.testsupport;

import java.nio.file.Path;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/** The stack's Redis in a container, as the processes backend runs it: no persistence. */
final class RedisContainerServer extends ContainerServer<GenericContainer<?>> implements Redis {
    private static final int PORT = 6379;

    private volatile RedisServer client;

    RedisContainerServer(Path runDir, ContainerImages images) {
        super(
                "Redis",
                new GenericContainer<>(images.redis())
                        .withExposedPorts(PORT)
                        .withCommand("redis-server", "--save", "", "--appendonly", "no")
                        .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1)),
                runDir.resolve("redis").resolve("redis.log"));
    }

    @Override
    int containerPort() {
        return PORT;
    }

    @Override
    void started(Path runDir, int port) {
        client = new RedisServer(runDir, port);
    }

    private RedisServer client() {
        RedisServer current = client;
        if (current == null) {
            throw new StackException("Redis's container is not started");
        }
        return current;
    }

    @Override
    public String endpoint() {
        return uri();
    }

    @Override
    public String uri() {
        return client().uri();
    }

    @Override
    public int port() {
        return client().port();
    }
}
