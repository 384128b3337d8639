package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporalcdc.indexer.version.DocumentVersion;
import io.temporalcdc.runtime.Codec;
import io.temporalcdc.runtime.version.ChangePosition;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The layouts written before several regions (repartition records, joiner state) are still read after an upgrade. */
class LayoutsTest {
    private static final ChangePosition AT = new ChangePosition(0, 1000, 1100, false, true);

    @Test
    void shouldReadARowChangeOfLayout1AsTheLocalRegions() {
        byte[] layout1 = new Codec.Writer(1)
                .bool(true)
                .bool(false)
                .position(AT)
                .number(42)
                .text("wf~run")
                .blob("{}".getBytes(StandardCharsets.UTF_8))
                .bytes();
        RowChange change = RowChange.decode(layout1);
        assertThat(change.side()).isEqualTo(RowChange.Side.EXECUTIONS);
        assertThat(change.region()).isEmpty();
        assertThat(change.position()).isEqualTo(AT);
        assertThat(change.documentId()).isEqualTo("wf~run");
        assertThat(RowChange.decode(change.encode())).usingRecursiveComparison().isEqualTo(change);
    }

    @Test
    void shouldReadAJoinerStateOfLayout2AsTheLocalRegionsWinningDocument() {
        Codec.Writer out = new Codec.Writer(2).number(new DocumentVersion(0, 1000, 0).asLong());
        // executions side, then attributes side: exists, position, last snapshot, document id, data
        out.bool(true).position(AT).position(null).text("wf~run").blob("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        out.bool(false).position(null).position(null).text(null).blob(null);
        RowState row = RowState.decode(out.bytes());

        assertThat(row.version).isEqualTo(new DocumentVersion(0, 1000, 0));
        assertThat(row.winnerId).isEqualTo("wf~run");
        assertThat(new String(row.winnerDocument, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(row.regions).containsOnlyKeys("");
        // the local region's next change replaces it, and the state reads back in layout 3
        assertThat(row.offer("", "", false)).isEqualTo(RowState.Offer.WRITTEN);
        RowState again = RowState.decode(row.encode());
        assertThat(again.winnerId).isEqualTo("wf~run");
        assertThat(again.version).isEqualTo(row.version);
    }
}
