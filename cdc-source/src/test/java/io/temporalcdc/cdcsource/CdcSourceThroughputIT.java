package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.temporalcdc.runtime.EmbeddedAppContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informational, not timed: a burst of a few thousand rows through the app in-process; logs the
 * events per second delivered to Kafka and the commit→Kafka latency (p50/p99). Asserts only that
 * every row arrived.
 */
class CdcSourceThroughputIT {

    private static final Logger LOG = LoggerFactory.getLogger(CdcSourceThroughputIT.class);
    private static final int TRANSACTIONS = 50;
    private static final int ROWS_PER_TRANSACTION = 100;

    @Test
    void shouldDeliverSingleCommitsAndABurstOfThousandsOfRowsAndReportLatencyAndThroughput() throws Exception {
        try (CdcFixture fixture = new CdcFixture("burst");
                TopicReader reader = new TopicReader(fixture.stack.kafka().bootstrapServers(), fixture.topicPrefix)) {
            final String topic = fixture.topic("temporal_visibility", "executions");
            final EmbeddedAppContext quiet = new EmbeddedAppContext("cdc-source");
            try (AutoCloseable app = fixture.startApp(quiet)) {
                for (int i = 0; i < 20; i++) {
                    fixture.execute(Rows.insertVisibility("ns-single", "single-" + i, "wf-single", 1));
                    final String runId = "single-" + i;
                    await().atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(20))
                            .untilAsserted(
                                    () -> assertThat(reader.runIds(topic)).contains(runId));
                }
                latency("single commits, one at a time", quiet);
            }
            final EmbeddedAppContext ctx = new EmbeddedAppContext("cdc-source");
            try (AutoCloseable app = fixture.startApp(ctx)) {
                final long start = System.nanoTime();
                for (int tx = 0; tx < TRANSACTIONS; tx++) {
                    fixture.execute(
                            Rows.insertVisibilityBatch("burst", tx * ROWS_PER_TRANSACTION, ROWS_PER_TRANSACTION));
                }
                final long committed = System.nanoTime();
                final int rows = TRANSACTIONS * ROWS_PER_TRANSACTION;
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(50))
                        .untilAsserted(() -> assertThat(reader.runIds(topic)).hasSize(rows + 20));
                report(ctx, rows, start, committed, System.nanoTime());
            }
        }
    }

    private static void report(EmbeddedAppContext ctx, int rows, long start, long committed, long arrived) {
        final double seconds = (arrived - start) / 1e9;
        LOG.info(
                "BURST {} rows in {} transactions: written in {} ms, all in Kafka (as read back) after {} ms -> {} events/s",
                rows,
                TRANSACTIONS,
                (committed - start) / 1_000_000,
                (arrived - start) / 1_000_000,
                Math.round(rows / seconds));
        latency("burst", ctx);
    }

    private static void latency(String phase, EmbeddedAppContext ctx) {
        final Timer latency = ctx.registry().get("cdc.source.commit.to.kafka").timer();
        final StringBuilder line = new StringBuilder();
        for (ValueAtPercentile p : latency.takeSnapshot().percentileValues()) {
            line.append(" p")
                    .append(Math.round(p.percentile() * 100))
                    .append('=')
                    .append(Math.round(p.value(TimeUnit.MILLISECONDS)))
                    .append("ms");
        }
        LOG.info(
                "BURST commit->Kafka ack ({}):{} max={}ms over {} records",
                phase,
                line,
                Math.round(latency.max(TimeUnit.MILLISECONDS)),
                latency.count());
    }
}
