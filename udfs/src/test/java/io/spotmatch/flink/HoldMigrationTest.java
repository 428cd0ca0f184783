package io.spotmatch.flink;

import static io.spotmatch.flink.MatchOperatorTest.BTC;
import static io.spotmatch.flink.MatchOperatorTest.listing;
import static io.spotmatch.flink.MatchOperatorTest.side;
import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.Side;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.ledger.Leg;
import io.spotmatch.ledger.Movement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A book whose resting orders were never held (built with settlement off, as every book of a
 * savepoint from before settlement) is held at its first command with settlement on: one
 * {@code MIGRATION_HOLD} per resting order, in price-time order, exactly the order's hold by the
 * rule, with the book's seq before that command as the cause. Later fills and cancels of those
 * orders then release exactly what was held. The flag survives a restore; a command with
 * settlement off clears it.
 */
class HoldMigrationTest {

    private long time = 1_700_000_000_000L;

    static KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> harness(boolean settlement)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new MatchOperator("orders", settlement), SymbolCommand::symbol, Types.STRING, 128, 1, 0);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private void send(KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h, Command c)
            throws Exception {
        long t = time++;
        h.processElement(new SymbolCommand(BTC, c, t, 0), t);
    }

    private static BookHeader header(KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h)
            throws Exception {
        h.getOperator().setCurrentKey(BTC);
        return h.getOperator()
                .getKeyedStateStore()
                .getState(MatchOperator.headerDescriptor())
                .value();
    }

    /** Held per account and asset, in the assets' units, summed over movements. */
    private static Map<String, Long> held(List<Movement> movements) {
        Map<String, Long> held = new TreeMap<>();
        for (Movement m : movements) {
            held.merge(m.account() + " " + m.asset(), m.held(), Long::sum);
        }
        return held;
    }

    @Test
    void restingOrdersOfABookFromBeforeSettlementAreHeldOnceAtItsFirstCommand() throws Exception {
        OperatorSubtaskState withoutSettlement;
        try (var h = harness(false)) {
            h.open();
            send(h, listing()); // seq 1; maker 0.1 %, taker 0.2 %
            send(h, Command.limit(1, 7, Side.SELL, "65000.10", "0.500", TimeInForce.GTC)); // seq 2
            send(h, Command.limit(2, 9, Side.BUY, "65000.10", "0.200", TimeInForce.IOC)); // seqs 3, 4: fills 0.2
            send(h, Command.limit(3, 8, Side.BUY, "64000.00", "0.300", TimeInForce.GTC)); // seq 5
            send(h, Command.limit(4, 10, Side.SELL, "64000.00", "0.100", TimeInForce.IOC)); // seqs 6, 7: fills 0.1
            assertThat(side(h, MatchOperator.MOVEMENTS)).isEmpty();
            withoutSettlement = h.snapshot(1, 1);
            assertThat(header(h).ordersHeld()).isFalse();
        }

        OperatorSubtaskState held;
        try (var h = harness(true)) {
            h.initializeState(withoutSettlement);
            h.open();
            send(h, Command.cancel(3, 8)); // seq 8
            // Bids first, then asks. Order 3: 0.200 left at 64000.00 = 12800.00000 USDT, plus the most fee
            // at 0.2 % (2.56000; it paid 6.40000 as maker, exactly). Order 1: its 0.300 BTC left.
            assertThat(side(h, MatchOperator.MOVEMENTS))
                    .containsExactly(
                            new Movement(8, "USDT", -1_282_560_000L, 1_282_560_000L, 5, BTC, 7, 3, Leg.MIGRATION_HOLD),
                            new Movement(7, "BTC", -300, 300, 3, BTC, 7, 1, Leg.MIGRATION_HOLD),
                            new Movement(8, "USDT", 1_282_560_000L, -1_282_560_000L, 5, BTC, 8, 3, Leg.RELEASE));

            send(h, Command.limit(5, 9, Side.BUY, "65000.10", "0.300", TimeInForce.IOC)); // fills order 1
            List<Movement> all = side(h, MatchOperator.MOVEMENTS);
            assertThat(all.subList(3, all.size())).extracting(Movement::leg).doesNotContain(Leg.MIGRATION_HOLD);
            assertThat(held(all))
                    .as("the book is empty: nothing held, no account below zero held")
                    .containsOnly(
                            Map.entry("0 USDT", 0L),
                            Map.entry("7 BTC", 0L),
                            Map.entry("7 USDT", 0L),
                            Map.entry("8 USDT", 0L),
                            Map.entry("9 BTC", 0L),
                            Map.entry("9 USDT", 0L));

            send(h, Command.limit(6, 7, Side.SELL, "70000.00", "0.100", TimeInForce.GTC)); // seq 11, held at once
            held = h.snapshot(2, 2);
            assertThat(header(h).ordersHeld()).isTrue();
        }

        OperatorSubtaskState off;
        try (var h = harness(true)) {
            h.initializeState(held);
            h.open();
            send(h, Command.limit(7, 8, Side.BUY, "60000.00", "0.001", TimeInForce.IOC)); // seqs 12, 13
            assertThat(side(h, MatchOperator.MOVEMENTS))
                    .as("held already: no second migration after a restore")
                    .extracting(Movement::leg)
                    .containsExactly(Leg.HOLD, Leg.RELEASE);
        }
        try (var h = harness(false)) {
            h.initializeState(held);
            h.open();
            send(h, Command.limit(7, 8, Side.BUY, "60000.00", "0.001", TimeInForce.IOC)); // seqs 12, 13
            off = h.snapshot(3, 3);
            assertThat(header(h).ordersHeld())
                    .as("a command without settlement: the ledger no longer follows the book")
                    .isFalse();
        }
        try (var h = harness(true)) {
            h.initializeState(off);
            h.open();
            send(h, Command.cancel(6, 7)); // seq 14
            assertThat(side(h, MatchOperator.MOVEMENTS))
                    .containsExactly(
                            new Movement(7, "BTC", -100, 100, 3, BTC, 13, 6, Leg.MIGRATION_HOLD),
                            new Movement(7, "BTC", 100, -100, 3, BTC, 14, 6, Leg.RELEASE));
        }
    }
}
