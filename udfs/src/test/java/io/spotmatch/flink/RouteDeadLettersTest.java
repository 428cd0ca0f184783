package io.spotmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.book.Command;
import io.spotmatch.book.Side;
import io.spotmatch.book.TimeInForce;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** The history guard: which first records of a partition a job with (or without) state accepts. */
class RouteDeadLettersTest {

    static OneInputStreamOperatorTestHarness<Inbound, SymbolCommand> harness(
            boolean allowPartialHistory, OperatorSubtaskState restore) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(RouteDeadLetters.orders(allowPartialHistory)));
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static void read(OneInputStreamOperatorTestHarness<Inbound, SymbolCommand> h, int partition, long offset)
            throws Exception {
        Command c = Command.limit(offset + 1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC);
        h.processElement(new Inbound(new SymbolCommand("BTC-USDT", c, 0, partition), null, partition, offset), 0);
    }

    @Test
    void aJobWithoutStateReadsEveryPartitionFromOffsetZero() throws Exception {
        try (var h = harness(false, null)) {
            read(h, 0, 0);
            read(h, 0, 3); // gaps after the first record are transaction markers, not missing history
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThatThrownBy(() -> read(h, 1, 5))
                    .isInstanceOf(SuppressRestartsException.class)
                    .cause()
                    .hasMessage("The job has no state for orders partition 1 and its first record is at"
                            + " offset 5: restore from a savepoint or checkpoint (flink run -s ...), or start from the"
                            + " earliest offset of a topic that still holds its whole history, or (for a deliberate"
                            + " partial backfill into EMPTY tables) pass --job.allow-partial-history true");
        }
    }

    @Test
    void aRestoredJobKnowsItsPartitionsAndStillGuardsNewOnes() throws Exception {
        OperatorSubtaskState state;
        try (var h = harness(false, null)) {
            read(h, 0, 0);
            read(h, 0, 1);
            state = h.snapshot(1, 1);
        }
        try (var h = harness(false, state)) {
            read(h, 0, 2);
            read(h, 2, 0); // a partition added to the topic
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThatThrownBy(() -> read(h, 1, 7))
                    .isInstanceOf(SuppressRestartsException.class)
                    .cause()
                    .hasMessageContaining("orders partition 1 and its first record is at offset 7");
        }
    }

    @Test
    void aJobRestoredFromASavepointBeforeTheGuardTrustsItsPartitions() throws Exception {
        OperatorSubtaskState preGuard;
        try (var h = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new ProcessFunction<Inbound, SymbolCommand>() {
                    @Override
                    public void processElement(Inbound in, Context ctx, Collector<SymbolCommand> out) {
                        out.collect(in.command());
                    }
                }))) {
            h.open();
            preGuard = h.snapshot(1, 1);
        }
        try (var h = harness(false, preGuard)) {
            read(h, 1, 7);
            read(h, 0, 4100);
            assertThat(h.extractOutputValues()).hasSize(2);
        }
    }

    @Test
    void aPartialBackfillMayStartAnywhere() throws Exception {
        try (var h = harness(true, null)) {
            read(h, 0, 300);
            read(h, 1, 280);
            assertThat(h.extractOutputValues()).hasSize(2);
        }
    }
}
