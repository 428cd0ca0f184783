package io.spotmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.Decimal;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.ledger.FundsCommand;
import io.spotmatch.ledger.Leg;
import io.spotmatch.ledger.Movement;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** The ledger operator in Flink's test harness, on RocksDB: funds commands, movements, checkpoints, restores. */
class LedgerOperatorTest {

    private static final long T = 1_767_225_600_000L;

    static KeyedTwoInputStreamOperatorTestHarness<Long, Movement, FundsCommand, LedgerRow> harness(Set<String> assets)
            throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new LedgerOperator(assets), Movement::account, FundsCommand::userId, Types.LONG, 128, 1, 0);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static void funds(
            KeyedTwoInputStreamOperatorTestHarness<Long, Movement, FundsCommand, LedgerRow> h,
            FundsCommand.Type type,
            String txId,
            long user,
            String asset,
            String amount)
            throws Exception {
        h.processElement2(new StreamRecord<>(new FundsCommand(type, txId, user, asset, new BigDecimal(amount)), T));
    }

    private static List<String> messages(
            KeyedTwoInputStreamOperatorTestHarness<Long, Movement, FundsCommand, LedgerRow> h) {
        return side(h, LedgerOperator.MESSAGES).stream()
                .map(m -> new String(m.key(), StandardCharsets.UTF_8) + " "
                        + new String(m.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
    }

    private static List<String> ledger(
            KeyedTwoInputStreamOperatorTestHarness<Long, Movement, FundsCommand, LedgerRow> h) {
        return h.extractOutputValues().stream()
                .map(r -> r.account() + " " + r.asset() + " " + r.available().toPlainString()
                        + " " + r.held().toPlainString() + " " + r.leg() + " " + r.symbol() + "#" + r.seq() + " o"
                        + r.orderId()
                        + " tx=" + r.txId())
                .collect(Collectors.toList());
    }

    private static List<String> balances(
            KeyedTwoInputStreamOperatorTestHarness<Long, Movement, FundsCommand, LedgerRow> h) {
        return side(h, LedgerOperator.BALANCES).stream()
                .map(b -> b.account() + " " + b.asset() + " " + b.available().toPlainString() + " "
                        + b.held().toPlainString() + " v" + b.version())
                .collect(Collectors.toList());
    }

    static <T> List<T> side(org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness<?> h, OutputTag<T> tag) {
        var q = h.getSideOutput(tag);
        List<T> out = new ArrayList<>();
        if (q != null) {
            for (StreamRecord<T> r : q) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    @Test
    void aDepositIsAppliedOnceAndItsRepeatSaysSo() throws Exception {
        try (var h = harness(Set.of())) {
            h.open();
            funds(h, FundsCommand.Type.DEPOSIT, "dep-1", 7, "USDT", "1000.50");
            funds(h, FundsCommand.Type.DEPOSIT, "dep-1", 7, "USDT", "1000.50");
            funds(h, FundsCommand.Type.WITHDRAW, "wd-1", 7, "USDT", "0.5");
            assertThat(ledger(h))
                    .containsExactly("7 USDT 1000.50 0 DEPOSIT #0 o0 tx=dep-1", "7 USDT -0.5 0 WITHDRAW #0 o0 tx=wd-1");
            assertThat(messages(h))
                    .containsExactly(
                            "7 {\"type\":\"FUNDS\",\"userId\":7,\"txId\":\"dep-1\",\"fundsType\":\"DEPOSIT\",\"asset\":\"USDT\",\"amount\":\"1000.5\",\"status\":\"APPLIED\"}",
                            "7 {\"type\":\"BALANCE\",\"userId\":7,\"asset\":\"USDT\",\"available\":\"1000.5\",\"held\":\"0\",\"version\":1,\"txId\":\"dep-1\"}",
                            "7 {\"type\":\"FUNDS\",\"userId\":7,\"txId\":\"dep-1\",\"fundsType\":\"DEPOSIT\",\"asset\":\"USDT\",\"amount\":\"1000.5\",\"status\":\"DUPLICATE\"}",
                            "7 {\"type\":\"FUNDS\",\"userId\":7,\"txId\":\"wd-1\",\"fundsType\":\"WITHDRAW\",\"asset\":\"USDT\",\"amount\":\"0.5\",\"status\":\"APPLIED\"}",
                            "7 {\"type\":\"BALANCE\",\"userId\":7,\"asset\":\"USDT\",\"available\":\"1000\",\"held\":\"0\",\"version\":2,\"txId\":\"wd-1\"}");
            assertThat(balances(h)).as("balances wait for the checkpoint").isEmpty();
            h.prepareSnapshotPreBarrier(1);
            assertThat(balances(h)).containsExactly("7 USDT 1000.00 0 v2");
        }
    }

    @Test
    void badAmountsAndUnknownAssetsAreRejectedWithAReasonAndDoNotUseUpTheirTxId() throws Exception {
        try (var h = harness(Set.of("BTC", "USDT"))) {
            h.open();
            funds(h, FundsCommand.Type.DEPOSIT, "a", 7, "USDT", "0");
            funds(h, FundsCommand.Type.WITHDRAW, "b", 7, "USDT", "-1");
            funds(h, FundsCommand.Type.ADJUST, "c", 7, "USDT", "0.000");
            funds(h, FundsCommand.Type.DEPOSIT, "d", 7, "DOGE", "5");
            funds(h, FundsCommand.Type.ADJUST, "a", 7, "USDT", "-2.5");
            assertThat(messages(h))
                    .extracting(m -> m.replaceAll(
                            ".*\"txId\":\"(\\w+)\".*\"status\":\"(\\w+)\"(,\"reason\":\"(\\w+)\")?.*", "$1 $2 $4"))
                    .containsExactly(
                            "a REJECTED INVALID_AMOUNT",
                            "b REJECTED INVALID_AMOUNT",
                            "c REJECTED INVALID_AMOUNT",
                            "d REJECTED UNKNOWN_ASSET",
                            "a APPLIED ",
                            "7 {\"type\":\"BALANCE\",\"userId\":7,\"asset\":\"USDT\",\"available\":\"-2.5\",\"held\":\"0\",\"version\":1,\"txId\":\"a\"}");
            assertThat(ledger(h)).containsExactly("7 USDT -2.5 0 ADJUST #0 o0 tx=a");
        }
    }

    @Test
    void withdrawalsBeyondTheBalanceAreAppliedAndShowAsOverdrafts() throws Exception {
        try (var h = harness(Set.of())) {
            h.open();
            funds(h, FundsCommand.Type.DEPOSIT, "d", 7, "BTC", "1");
            funds(h, FundsCommand.Type.WITHDRAW, "w", 7, "BTC", "1.5");
            h.prepareSnapshotPreBarrier(1);
            assertThat(balances(h)).containsExactly("7 BTC -0.5 0 v2");
        }
    }

    @Test
    void movementsOfATradeAddUpAndBalancesAreEmittedOncePerCheckpoint() throws Exception {
        try (var h = harness(Set.of())) {
            h.open();
            funds(h, FundsCommand.Type.DEPOSIT, "d1", 1, "BTC", "10");
            funds(h, FundsCommand.Type.DEPOSIT, "d2", 2, "USDT", "1000");
            move(h, 1, "BTC", -1000, 1000, 3, 2, 1, Leg.HOLD);
            move(h, 2, "USDT", -10020000, 10020000, 5, 3, 2, Leg.HOLD);
            move(h, 2, "USDT", 0, -10020000, 5, 4, 2, Leg.TRADE);
            move(h, 2, "BTC", 1000, 0, 3, 4, 2, Leg.TRADE);
            move(h, 1, "BTC", 0, -1000, 3, 4, 1, Leg.TRADE);
            move(h, 1, "USDT", 9990000, 0, 5, 4, 1, Leg.TRADE);
            move(h, 0, "USDT", 30000, 0, 5, 4, 0, Leg.FEE);
            assertThat(ledger(h))
                    .contains(
                            "2 USDT 0.00000 -100.20000 TRADE BTC-USDT#4 o2 tx=",
                            "0 USDT 0.30000 0.00000 FEE BTC-USDT#4 o0 tx=");
            h.prepareSnapshotPreBarrier(1);
            assertThat(balances(h))
                    .containsExactly(
                            "1 BTC 9.000 0.000 v3",
                            "2 USDT 899.80000 0.00000 v3",
                            "2 BTC 1.000 0.000 v1",
                            "1 USDT 99.90000 0.00000 v1",
                            "0 USDT 0.30000 0.00000 v1");
            h.prepareSnapshotPreBarrier(2);
            assertThat(balances(h)).as("nothing changed since").hasSize(5);
        }
    }

    @Test
    void balancesAndAppliedTxIdsSurviveASnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(Set.of())) {
            h.open();
            funds(h, FundsCommand.Type.DEPOSIT, "dep-1", 7, "USDT", "100");
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(Set.of())) {
            h.initializeState(snapshot);
            h.open();
            funds(h, FundsCommand.Type.DEPOSIT, "dep-1", 7, "USDT", "100");
            funds(h, FundsCommand.Type.DEPOSIT, "dep-2", 7, "USDT", "0.25");
            assertThat(messages(h))
                    .extracting(m -> m.replaceAll(".*\"status\":\"(\\w+)\".*", "$1")
                            .replaceAll(
                                    ".*\"type\":\"BALANCE\".*\"available\":\"([^\"]+)\".*\"version\":(\\d+).*",
                                    "balance $1 v$2"))
                    .containsExactly("DUPLICATE", "APPLIED", "balance 100.25 v2");
        }
    }

    @Test
    void theMatchOperatorWithSettlementEmitsMovementsAfterEachCommand() throws Exception {
        var match = new KeyedOneInputStreamOperatorTestHarness<>(
                new MatchOperator("orders", true), SymbolCommand::symbol, Types.STRING, 128, 1, 0);
        match.setStateBackend(new EmbeddedRocksDBStateBackend());
        try (match) {
            match.open();
            Command listing = Command.symbol(new SymbolUpdate(
                    "BTC",
                    "USDT",
                    Decimal.parse("0.01"),
                    Decimal.parse("0.001"),
                    null,
                    null,
                    null,
                    null,
                    Decimal.parse("0.001"),
                    Decimal.parse("0.002"),
                    SymbolStatus.TRADING,
                    StpMode.NONE,
                    false));
            match.processElement(new SymbolCommand("BTC-USDT", listing, T, 0), T);
            match.processElement(
                    new SymbolCommand(
                            "BTC-USDT", Command.limit(1, 1, Side.SELL, "100.00", "1.000", TimeInForce.GTC), T, 0),
                    T);
            match.processElement(
                    new SymbolCommand(
                            "BTC-USDT", Command.limit(2, 2, Side.BUY, "100.00", "1.000", TimeInForce.GTC), T, 0),
                    T);
            assertThat(side(match, MatchOperator.MOVEMENTS))
                    .containsExactly(
                            new Movement(1, "BTC", -1000, 1000, 3, "BTC-USDT", 2, 1, Leg.HOLD),
                            new Movement(2, "USDT", -10020000, 10020000, 5, "BTC-USDT", 3, 2, Leg.HOLD),
                            new Movement(2, "USDT", 0, -10020000, 5, "BTC-USDT", 4, 2, Leg.TRADE),
                            new Movement(2, "BTC", 1000, 0, 3, "BTC-USDT", 4, 2, Leg.TRADE),
                            new Movement(1, "BTC", 0, -1000, 3, "BTC-USDT", 4, 1, Leg.TRADE),
                            new Movement(1, "USDT", 9990000, 0, 5, "BTC-USDT", 4, 1, Leg.TRADE),
                            new Movement(0, "USDT", 30000, 0, 5, "BTC-USDT", 4, 0, Leg.FEE));
        }
    }

    private static void move(
            KeyedTwoInputStreamOperatorTestHarness<Long, Movement, FundsCommand, LedgerRow> h,
            long account,
            String asset,
            long available,
            long held,
            int scale,
            long seq,
            long orderId,
            Leg leg)
            throws Exception {
        h.processElement1(new StreamRecord<>(
                new Movement(account, asset, available, held, scale, "BTC-USDT", seq, orderId, leg), T));
    }
}
