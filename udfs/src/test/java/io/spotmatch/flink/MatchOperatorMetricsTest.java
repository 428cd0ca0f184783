package io.spotmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The haltedSymbols gauge follows status changes and is right after a restore before any command. */
class MatchOperatorMetricsTest {

    private long time = 1_700_000_000_000L;

    private void send(
            KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h, String symbol, Command c)
            throws Exception {
        long t = time++;
        h.processElement(new SymbolCommand(symbol, c, t, 0), t);
    }

    private static Command status(SymbolStatus status) {
        return Command.symbol(SymbolUpdate.status(status));
    }

    @Test
    void haltedSymbolsCountsHaltedListedSymbolsAlsoThoseNotSeenSinceARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = MatchOperatorTest.harness()) {
            h.open();
            MatchOperator op = (MatchOperator) h.getOperator();
            send(h, "BTC-USDT", MatchOperatorTest.listing());
            send(h, "ETH-USDT", MatchOperatorTest.listing());
            send(h, "SOL-USDT", MatchOperatorTest.listing());
            assertThat(op.haltedSymbols()).isZero();
            send(h, "ETH-USDT", status(SymbolStatus.HALTED));
            send(h, "SOL-USDT", status(SymbolStatus.HALTED));
            send(h, "SOL-USDT", status(SymbolStatus.HALTED)); // still one symbol
            assertThat(op.haltedSymbols()).isEqualTo(2);
            send(h, "SOL-USDT", status(SymbolStatus.CANCEL_ONLY));
            assertThat(op.haltedSymbols()).isEqualTo(1);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = MatchOperatorTest.harness()) {
            h.initializeState(snapshot);
            h.open();
            MatchOperator op = (MatchOperator) h.getOperator();
            assertThat(op.booksInMemory()).isZero();
            assertThat(op.haltedSymbols()).as("from the restored state").isEqualTo(1);
            send(h, "ETH-USDT", status(SymbolStatus.TRADING));
            assertThat(op.haltedSymbols()).isZero();
        }
    }
}
