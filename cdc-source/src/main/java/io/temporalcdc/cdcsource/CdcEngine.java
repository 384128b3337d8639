package io.temporalcdc.cdcsource;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.temporalcdc.runtime.AppContext;
import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Debezium embedded engine (the asynchronous implementation, records as Kafka Connect
 * {@link SourceRecord}s) on its own thread. Ready once it polls; an engine that stops by itself
 * fails the app; {@link #close()} stops it gracefully, committing the offsets of every record
 * marked processed.
 */
public final class CdcEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CdcEngine.class);
    private static final long CLOSE_RETRY_MS = 200;
    // 5 + 12 + 5 (thread join) + 3 (producer close) = 25 s: within the 30 s the app gets to stop
    private static final Duration START_WAIT = Duration.ofSeconds(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(12);

    private final AppContext ctx;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private final Thread thread;

    private CdcEngine(
            Properties props, DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer, AppContext ctx) {
        this.ctx = ctx;
        this.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(props)
                .notifying(consumer)
                .using(new ReadinessCallback(ctx))
                .using(this::completed)
                .build();
        this.thread = new Thread(engine, "cdc-source-engine");
    }

    /** Builds the engine and starts it on its own thread. */
    public static CdcEngine start(
            Properties props, DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer, AppContext ctx) {
        final CdcEngine cdcEngine = new CdcEngine(props, consumer, ctx);
        cdcEngine.thread.start();
        LOG.info(
                "Debezium engine started (slot {}, publication {}, topic prefix {})",
                props.getProperty("slot.name"),
                props.getProperty("publication.name"),
                props.getProperty("topic.prefix"));
        return cdcEngine;
    }

    /** Whether the engine thread has finished. */
    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    private void completed(boolean success, String message, Throwable error) {
        stopped.countDown();
        ctx.ready(false);
        if (closing.get()) {
            LOG.info("Debezium engine stopped: {}", message);
            return;
        }
        LOG.error("Debezium engine stopped unexpectedly (success={}): {}", success, message, error);
        ctx.fail("Debezium engine stopped: " + message + reason(error), error);
    }

    /** What made the engine stop, in cdc-source's words when it was cdc-source's refusal, else the root cause. */
    static String reason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CdcSourceException) {
                return ": " + t.getMessage();
            }
        }
        return error == null ? "" : ": " + io.temporalcdc.runtime.Preflight.rootMessage(error);
    }

    /** Stops the engine gracefully (flushing offsets) and waits for its thread. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            requestStop();
            if (!stopped.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Debezium engine did not stop within {} s", STOP_TIMEOUT.toSeconds());
            }
            if (Thread.currentThread() != thread) {
                thread.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while stopping the Debezium engine");
        }
    }

    private void requestStop() throws InterruptedException {
        final long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (!isStopped()) {
            try {
                engine.close();
                return;
            } catch (IllegalStateException e) {
                // tasks are starting (they cannot be stopped yet), or the engine is already stopping
                if (e.getMessage() == null
                        || !e.getMessage().contains("tasks are starting")
                        || System.nanoTime() > deadline) {
                    LOG.info("Debezium engine close: {}", e.getMessage());
                    return;
                }
                stopped.await(CLOSE_RETRY_MS, TimeUnit.MILLISECONDS);
            } catch (IOException e) {
                LOG.warn("Debezium engine close failed", e);
                return;
            }
        }
    }

    /** Reports readiness: ready while the engine polls the connector. */
    private static final class ReadinessCallback implements DebeziumEngine.ConnectorCallback {
        private final AppContext ctx;

        ReadinessCallback(AppContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void pollingStarted() {
            LOG.info("Debezium engine is streaming changes");
            ctx.ready(true);
        }

        @Override
        public void pollingStopped() {
            ctx.ready(false);
        }
    }
}
