package io.spotmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.CancelReason;
import io.spotmatch.book.Command;
import io.spotmatch.book.Decimal;
import io.spotmatch.book.HeapOrderBook;
import io.spotmatch.book.Order;
import io.spotmatch.book.OrderBook;
import io.spotmatch.book.OrderStatus;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.RandomCommands;
import io.spotmatch.book.ReferenceOrderBook;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.load.OrderFlow;
import io.spotmatch.wire.PoisonCode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MatchOperatorTest {

    static final String BTC = "BTC-USDT";

    static Command listing() {
        return Command.symbol(new SymbolUpdate(
                "BTC",
                "USDT",
                Decimal.parse("0.01"),
                Decimal.parse("0.001"),
                null,
                null,
                Decimal.parse("1000000"),
                Decimal.parse("1000"),
                Decimal.parse("0.001"),
                Decimal.parse("0.002"),
                SymbolStatus.TRADING,
                StpMode.NONE,
                false));
    }

    static KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> harness() throws Exception {
        return harness(0);
    }

    /** A harness whose books write their state every {@code stateFlushOrders} changed orders (0: at checkpoints). */
    static KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> harness(int stateFlushOrders)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new MatchOperator("orders").withStateFlushOrders(stateFlushOrders),
                SymbolCommand::symbol,
                Types.STRING,
                128,
                1,
                0);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    /** Command time of the next {@link #send}: per test, so no test depends on another having run. */
    private long time = 1_700_000_000_000L;

    void send(KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h, String symbol, Command c)
            throws Exception {
        long t = time++;
        h.processElement(new SymbolCommand(symbol, c, t, 0), t);
    }

    static List<String> events(KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h) {
        return h.extractOutputValues().stream()
                .map(e -> new String(e.json(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
    }

    static <T> List<T> side(
            KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h,
            org.apache.flink.util.OutputTag<T> tag) {
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
    void emitsExactEventsTradeRowsAndOrderRows() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, BTC, listing());
            send(h, BTC, Command.limit(1, 7, Side.SELL, "65000.10", "0.500", TimeInForce.GTC));
            send(h, BTC, Command.limit(2, 8, Side.BUY, "65001.00", "0.800", TimeInForce.IOC));

            assertThat(events(h))
                    .containsExactly(
                            "{\"symbol\":\"BTC-USDT\",\"seq\":1,\"time\":1700000000000,\"type\":\"SYMBOL_UPDATED\",\"baseAsset\":\"BTC\","
                                    + "\"quoteAsset\":\"USDT\",\"tickSize\":\"0.01\",\"stepSize\":\"0.001\",\"minQty\":\"0.001\","
                                    + "\"minNotional\":\"0\",\"maxPrice\":\"1000000\",\"maxQty\":\"1000\",\"makerFeeRate\":\"0.001\","
                                    + "\"takerFeeRate\":\"0.002\",\"status\":\"TRADING\",\"defaultStp\":\"NONE\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":2,\"time\":1700000000001,\"type\":\"ACCEPTED\",\"orderId\":1,\"userId\":7,"
                                    + "\"side\":\"SELL\",\"orderType\":\"LIMIT\",\"timeInForce\":\"GTC\",\"price\":\"65000.10\","
                                    + "\"quantity\":\"0.500\",\"stp\":\"NONE\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":3,\"time\":1700000000002,\"type\":\"ACCEPTED\",\"orderId\":2,\"userId\":8,"
                                    + "\"side\":\"BUY\",\"orderType\":\"LIMIT\",\"timeInForce\":\"IOC\",\"price\":\"65001.00\","
                                    + "\"quantity\":\"0.800\",\"stp\":\"NONE\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":4,\"time\":1700000000002,\"type\":\"TRADE\",\"tradeId\":1,"
                                    + "\"price\":\"65000.10\",\"quantity\":\"0.500\",\"quoteQuantity\":\"32500.05000\","
                                    + "\"takerSide\":\"BUY\",\"takerOrderId\":2,\"takerUserId\":8,\"makerOrderId\":1,\"makerUserId\":7,"
                                    + "\"takerFee\":\"65.00010\",\"makerFee\":\"32.50005\",\"feeAsset\":\"USDT\","
                                    + "\"takerStatus\":\"PARTIALLY_FILLED\",\"makerStatus\":\"FILLED\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":5,\"time\":1700000000002,\"type\":\"CANCELLED\",\"orderId\":2,\"userId\":8,"
                                    + "\"reason\":\"IOC_REMAINDER\",\"cancelledQuantity\":\"0.300\",\"filledQuantity\":\"0.500\"}");

            assertThat(side(h, MatchOperator.TRADES))
                    .containsExactly(new TradeRow(
                            BTC,
                            1,
                            4,
                            new BigDecimal("65000.10"),
                            new BigDecimal("0.500"),
                            new BigDecimal("32500.05000"),
                            Side.BUY,
                            2,
                            8,
                            1,
                            7,
                            new BigDecimal("65.00010"),
                            new BigDecimal("32.50005"),
                            "USDT",
                            1_700_000_000_002L));

            assertThat(side(h, MatchOperator.ORDERS))
                    .containsExactly(
                            new OrderRow(
                                    BTC,
                                    1,
                                    7,
                                    Side.SELL,
                                    OrderType.LIMIT,
                                    TimeInForce.GTC,
                                    StpMode.NONE,
                                    new BigDecimal("65000.10"),
                                    new BigDecimal("0.500"),
                                    null,
                                    OrderStatus.NEW,
                                    new BigDecimal("0.000"),
                                    new BigDecimal("0E-5"),
                                    new BigDecimal("0E-5"),
                                    null,
                                    2,
                                    1_700_000_000_001L,
                                    1_700_000_000_001L),
                            new OrderRow(
                                    BTC,
                                    2,
                                    8,
                                    Side.BUY,
                                    OrderType.LIMIT,
                                    TimeInForce.IOC,
                                    StpMode.NONE,
                                    new BigDecimal("65001.00"),
                                    new BigDecimal("0.800"),
                                    null,
                                    OrderStatus.CANCELLED,
                                    new BigDecimal("0.500"),
                                    new BigDecimal("32500.05000"),
                                    new BigDecimal("65.00010"),
                                    CancelReason.IOC_REMAINDER,
                                    5,
                                    1_700_000_000_002L,
                                    1_700_000_000_002L),
                            new OrderRow(
                                    BTC,
                                    1,
                                    7,
                                    Side.SELL,
                                    OrderType.LIMIT,
                                    TimeInForce.GTC,
                                    StpMode.NONE,
                                    new BigDecimal("65000.10"),
                                    new BigDecimal("0.500"),
                                    null,
                                    OrderStatus.FILLED,
                                    new BigDecimal("0.500"),
                                    new BigDecimal("32500.05000"),
                                    new BigDecimal("32.50005"),
                                    null,
                                    4,
                                    1_700_000_000_002L,
                                    1_700_000_000_002L));
        }
    }

    @Test
    void stpDecrementEmitsDecrementedAndTheOrderRowOfTheLoweredOrder() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, BTC, listing());
            send(h, BTC, Command.limit(1, 7, Side.SELL, "65000.10", "1.000", TimeInForce.GTC));
            send(
                    h,
                    BTC,
                    Command.limit(2, 7, Side.BUY, "65000.10", "0.400", TimeInForce.GTC)
                            .withStp(StpMode.DECREMENT));

            assertThat(events(h).subList(3, 5))
                    .containsExactly(
                            "{\"symbol\":\"BTC-USDT\",\"seq\":4,\"time\":1700000000002,\"type\":\"DECREMENTED\","
                                    + "\"orderId\":1,\"userId\":7,\"reason\":\"SELF_TRADE_PREVENTED\","
                                    + "\"quantity\":\"0.600\",\"decrementedQuantity\":\"0.400\",\"filledQuantity\":\"0.000\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":5,\"time\":1700000000002,\"type\":\"CANCELLED\","
                                    + "\"orderId\":2,\"userId\":7,\"reason\":\"SELF_TRADE_PREVENTED\","
                                    + "\"cancelledQuantity\":\"0.400\",\"filledQuantity\":\"0.000\"}");
            List<OrderRow> rows = side(h, MatchOperator.ORDERS);
            assertThat(rows.subList(1, 3))
                    .extracting(OrderRow::orderId, OrderRow::quantity, OrderRow::status, OrderRow::version)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(2L, new BigDecimal("0.400"), OrderStatus.CANCELLED, 5L),
                            org.assertj.core.groups.Tuple.tuple(1L, new BigDecimal("0.600"), OrderStatus.NEW, 4L));
        }
    }

    @Test
    void orderLimitsAndTheBandsReferencePriceSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            send(h, BTC, listing());
            send(
                    h,
                    BTC,
                    Command.symbol(SymbolUpdate.status(null)
                            .withLimits(null, null, Decimal.parse("1"), Decimal.parse("100"))));
            send(h, BTC, Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC));
            send(h, BTC, Command.limit(2, 8, Side.BUY, "100.00", "0.100", TimeInForce.IOC));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            send(h, BTC, Command.limit(3, 8, Side.BUY, "98.99", "0.100", TimeInForce.GTC)); // band: 99.00 to 101.00
            send(h, BTC, Command.limit(4, 7, Side.SELL, "100.50", "0.100", TimeInForce.GTC)); // user 7 has 1 resting
            send(h, BTC, Command.limit(5, 8, Side.BUY, "99.00", "0.100", TimeInForce.GTC));
            assertThat(events(h))
                    .extracting(e -> e.replaceAll(".*\"type\":\"([A-Z_]+)\".*?(\"reason\":\"[A-Z_]+\")?}$", "$1 $2"))
                    .containsExactly(
                            "REJECTED \"reason\":\"PRICE_OUT_OF_BAND\"",
                            "REJECTED \"reason\":\"MAX_OPEN_ORDERS\"",
                            "ACCEPTED ");
            assertThat(((MatchOperator) h.getOperator())
                            .bookOf(BTC)
                            .book()
                            .spec()
                            .priceBand())
                    .isEqualTo(100);
        }
    }

    @Test
    void clientOrderIdsAndEngineNumberedOrdersReachEventsRowsAndStateAcrossARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            send(h, BTC, listing());
            send(
                    h,
                    BTC,
                    Command.limit(0, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC)
                            .withClientOrderId("s-1"));
            send(
                    h,
                    BTC,
                    Command.limit(0, 8, Side.BUY, "99.00", "1.000", TimeInForce.IOC)
                            .withClientOrderId("b-1"));
            assertThat(events(h).subList(1, 4))
                    .containsExactly(
                            "{\"symbol\":\"BTC-USDT\",\"seq\":2,\"time\":1700000000001,\"type\":\"ACCEPTED\",\"orderId\":1,"
                                    + "\"userId\":7,\"clientOrderId\":\"s-1\",\"side\":\"SELL\",\"orderType\":\"LIMIT\","
                                    + "\"timeInForce\":\"GTC\",\"price\":\"100.00\",\"quantity\":\"1.000\",\"stp\":\"NONE\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":3,\"time\":1700000000002,\"type\":\"ACCEPTED\",\"orderId\":2,"
                                    + "\"userId\":8,\"clientOrderId\":\"b-1\",\"side\":\"BUY\",\"orderType\":\"LIMIT\","
                                    + "\"timeInForce\":\"IOC\",\"price\":\"99.00\",\"quantity\":\"1.000\",\"stp\":\"NONE\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":4,\"time\":1700000000002,\"type\":\"CANCELLED\",\"orderId\":2,"
                                    + "\"userId\":8,\"clientOrderId\":\"b-1\",\"reason\":\"IOC_REMAINDER\","
                                    + "\"cancelledQuantity\":\"1.000\",\"filledQuantity\":\"0.000\"}");
            assertThat(side(h, MatchOperator.ORDERS))
                    .extracting(OrderRow::orderId, OrderRow::clientOrderId)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(1L, "s-1"),
                            org.assertj.core.groups.Tuple.tuple(2L, "b-1"));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            // b-1 closed before the checkpoint and s-1 is open: both still duplicates after the restore
            send(
                    h,
                    BTC,
                    Command.limit(0, 8, Side.BUY, "99.00", "1.000", TimeInForce.GTC)
                            .withClientOrderId("b-1"));
            send(
                    h,
                    BTC,
                    Command.limit(0, 7, Side.SELL, "101.00", "1.000", TimeInForce.GTC)
                            .withClientOrderId("s-1"));
            send(h, BTC, Command.cancel(0, 7).withClientOrderId("s-1"));
            assertThat(events(h))
                    .containsExactly(
                            "{\"symbol\":\"BTC-USDT\",\"seq\":5,\"time\":1700000000003,\"type\":\"REJECTED\",\"command\":\"NEW\","
                                    + "\"orderId\":0,\"userId\":8,\"clientOrderId\":\"b-1\",\"reason\":\"DUPLICATE_CLIENT_ORDER_ID\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":6,\"time\":1700000000004,\"type\":\"REJECTED\",\"command\":\"NEW\","
                                    + "\"orderId\":0,\"userId\":7,\"clientOrderId\":\"s-1\",\"reason\":\"DUPLICATE_CLIENT_ORDER_ID\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":7,\"time\":1700000000005,\"type\":\"CANCELLED\",\"orderId\":1,"
                                    + "\"userId\":7,\"clientOrderId\":\"s-1\",\"reason\":\"USER\","
                                    + "\"cancelledQuantity\":\"1.000\",\"filledQuantity\":\"0.000\"}");
        }
    }

    @Test
    void aGtdOrderRestoredFromStateExpiresAtTheFirstCommandReachingItsTime() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            send(h, BTC, listing());
            send(
                    h,
                    BTC,
                    Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC)
                            .withExpireTime(1_700_000_000_010L));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            time = 1_700_000_000_009L;
            send(h, BTC, Command.cancelAll(8)); // at 9: not yet
            send(h, BTC, Command.cancelAll(8)); // at 10: expires first
            assertThat(events(h))
                    .containsExactly(
                            "{\"symbol\":\"BTC-USDT\",\"seq\":3,\"time\":1700000000009,\"type\":\"CANCELLED_ALL\","
                                    + "\"userId\":8,\"cancelledOrders\":0}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":4,\"time\":1700000000010,\"type\":\"CANCELLED\",\"orderId\":1,"
                                    + "\"userId\":7,\"reason\":\"EXPIRED\",\"cancelledQuantity\":\"1.000\","
                                    + "\"filledQuantity\":\"0.000\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":5,\"time\":1700000000010,\"type\":\"CANCELLED_ALL\","
                                    + "\"userId\":8,\"cancelledOrders\":0}");
            assertThat(side(h, MatchOperator.ORDERS)).singleElement().satisfies(row -> {
                assertThat(row.status()).isEqualTo(OrderStatus.CANCELLED);
                assertThat(row.cancelReason()).isEqualTo(CancelReason.EXPIRED);
                assertThat(row.timeInForce()).isEqualTo(TimeInForce.GTD);
                assertThat(row.expireTime()).isEqualTo(1_700_000_000_010L);
                assertThat(row.version()).isEqualTo(4);
            });
        }
    }

    @Test
    void aWaitingStopSurvivesARestoreAndTriggersWithItsEventAndRow() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            send(h, BTC, listing());
            send(h, BTC, Command.limit(1, 7, Side.BUY, "100.00", "1.000", TimeInForce.GTC));
            send(h, BTC, Command.limit(2, 8, Side.SELL, "100.00", "0.100", TimeInForce.GTC));
            send(h, BTC, Command.stop(3, 9, Side.SELL, io.spotmatch.book.OrderType.STOP_LOSS, "99.50", null, "0.200"));
            assertThat(events(h).get(4))
                    .isEqualTo(
                            "{\"symbol\":\"BTC-USDT\",\"seq\":5,\"time\":1700000000003,\"type\":\"ACCEPTED\","
                                    + "\"orderId\":3,\"userId\":9,\"side\":\"SELL\",\"orderType\":\"STOP_LOSS\","
                                    + "\"timeInForce\":\"IOC\",\"stopPrice\":\"99.50\",\"quantity\":\"0.200\",\"stp\":\"NONE\"}");
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            time = 1_700_000_000_010L;
            send(h, BTC, Command.limit(4, 8, Side.BUY, "99.00", "1.000", TimeInForce.GTC));
            send(h, BTC, Command.market(5, 8, Side.SELL, "0.950"));
            List<String> events = events(h);
            assertThat(events.subList(events.size() - 2, events.size()))
                    .containsExactly(
                            "{\"symbol\":\"BTC-USDT\",\"seq\":10,\"time\":1700000000011,\"type\":\"TRIGGERED\","
                                    + "\"orderId\":3,\"userId\":9,\"orderType\":\"MARKET\",\"stopPrice\":\"99.50\","
                                    + "\"lastPrice\":\"99.00\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":11,\"time\":1700000000011,\"type\":\"TRADE\",\"tradeId\":4,"
                                    + "\"price\":\"99.00\",\"quantity\":\"0.200\",\"quoteQuantity\":\"19.80000\","
                                    + "\"takerSide\":\"SELL\",\"takerOrderId\":3,\"takerUserId\":9,\"makerOrderId\":4,"
                                    + "\"makerUserId\":8,\"takerFee\":\"0.03960\",\"makerFee\":\"0.01980\",\"feeAsset\":\"USDT\","
                                    + "\"takerStatus\":\"FILLED\",\"makerStatus\":\"PARTIALLY_FILLED\"}");
            OrderRow stopRow = side(h, MatchOperator.ORDERS).stream()
                    .filter(r -> r.orderId() == 3)
                    .reduce(OrderRow::newer)
                    .orElseThrow();
            assertThat(stopRow.orderType()).isEqualTo(OrderType.MARKET);
            assertThat(stopRow.stopPrice()).isEqualByComparingTo("99.50");
            assertThat(stopRow.status()).isEqualTo(OrderStatus.FILLED);
            assertThat(stopRow.version()).isEqualTo(11);
        }
    }

    @Test
    void anOcoSurvivesARestoreLinkedAndItsTriggerCancelsTheLimitLeg() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            send(h, BTC, listing());
            send(h, BTC, Command.limit(1, 7, Side.BUY, "100.00", "1.000", TimeInForce.GTC));
            send(h, BTC, Command.limit(2, 8, Side.SELL, "100.00", "0.100", TimeInForce.GTC));
            send(h, BTC, Command.oco(3, 9, Side.SELL, "105.00", "99.50", null, "0.200"));
            assertThat(events(h).subList(4, 6))
                    .containsExactly(
                            "{\"symbol\":\"BTC-USDT\",\"seq\":5,\"time\":1700000000003,\"type\":\"ACCEPTED\","
                                    + "\"orderId\":3,\"userId\":9,\"side\":\"SELL\",\"orderType\":\"LIMIT\","
                                    + "\"timeInForce\":\"GTC\",\"price\":\"105.00\",\"quantity\":\"0.200\",\"stp\":\"NONE\","
                                    + "\"ocoOrderId\":4}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":6,\"time\":1700000000003,\"type\":\"ACCEPTED\","
                                    + "\"orderId\":4,\"userId\":9,\"side\":\"SELL\",\"orderType\":\"STOP_LOSS\","
                                    + "\"timeInForce\":\"IOC\",\"stopPrice\":\"99.50\",\"quantity\":\"0.200\",\"stp\":\"NONE\","
                                    + "\"ocoOrderId\":3}");
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            time = 1_700_000_000_010L;
            send(h, BTC, Command.limit(5, 8, Side.BUY, "99.00", "1.000", TimeInForce.GTC));
            send(h, BTC, Command.market(6, 8, Side.SELL, "0.950"));
            List<String> events = events(h);
            assertThat(events.subList(events.size() - 3, events.size()))
                    .containsExactly(
                            "{\"symbol\":\"BTC-USDT\",\"seq\":11,\"time\":1700000000011,\"type\":\"CANCELLED\","
                                    + "\"orderId\":3,\"userId\":9,\"reason\":\"OCO\",\"cancelledQuantity\":\"0.200\","
                                    + "\"filledQuantity\":\"0.000\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":12,\"time\":1700000000011,\"type\":\"TRIGGERED\","
                                    + "\"orderId\":4,\"userId\":9,\"orderType\":\"MARKET\",\"stopPrice\":\"99.50\","
                                    + "\"lastPrice\":\"99.00\"}",
                            "{\"symbol\":\"BTC-USDT\",\"seq\":13,\"time\":1700000000011,\"type\":\"TRADE\",\"tradeId\":4,"
                                    + "\"price\":\"99.00\",\"quantity\":\"0.200\",\"quoteQuantity\":\"19.80000\","
                                    + "\"takerSide\":\"SELL\",\"takerOrderId\":4,\"takerUserId\":9,\"makerOrderId\":5,"
                                    + "\"makerUserId\":8,\"takerFee\":\"0.03960\",\"makerFee\":\"0.01980\",\"feeAsset\":\"USDT\","
                                    + "\"takerStatus\":\"FILLED\",\"makerStatus\":\"PARTIALLY_FILLED\"}");
            OrderRow limitRow = side(h, MatchOperator.ORDERS).stream()
                    .filter(r -> r.orderId() == 3)
                    .reduce(OrderRow::newer)
                    .orElseThrow();
            assertThat(limitRow.status()).isEqualTo(OrderStatus.CANCELLED);
            assertThat(limitRow.cancelReason()).isEqualTo(CancelReason.OCO);
            assertThat(limitRow.version()).isEqualTo(11);
            OrderRow stopRow = side(h, MatchOperator.ORDERS).stream()
                    .filter(r -> r.orderId() == 4)
                    .reduce(OrderRow::newer)
                    .orElseThrow();
            assertThat(stopRow.orderType()).isEqualTo(OrderType.MARKET);
            assertThat(stopRow.status()).isEqualTo(OrderStatus.FILLED);
        }
    }

    /**
     * An iceberg in state keeps its display quantity, its visible slice and the place its last
     * refresh gave it: after a restore it trades and refreshes exactly as without one.
     */
    @Test
    void anIcebergSurvivesARestoreWithItsSliceAndPlaceAndRefreshesAsWithout() throws Exception {
        List<SymbolCommand> stream = new ArrayList<>();
        for (Command c : List.of(
                listing(),
                Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC)
                        .withIcebergQuantity("0.300"),
                Command.limit(2, 8, Side.SELL, "100.00", "0.200", TimeInForce.GTC),
                // the slice fills: 1 refreshes behind 2, then 2 trades 0.100
                Command.limit(3, 9, Side.BUY, "100.00", "0.400", TimeInForce.GTC),
                // after the cut: 2 first, then 1's slice, which refreshes again for the same taker
                Command.limit(4, 9, Side.BUY, "100.00", "0.500", TimeInForce.GTC),
                Command.cancel(1, 7))) {
            stream.add(new SymbolCommand(BTC, c, BASE_TIME + stream.size(), 0));
        }
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 4; i++) {
                h.processElement(stream.get(i), stream.get(i).timestamp());
            }
            assertThat(events(h).get(1))
                    .isEqualTo("{\"symbol\":\"BTC-USDT\",\"seq\":2,\"time\":1800000000001,\"type\":\"ACCEPTED\","
                            + "\"orderId\":1,\"userId\":7,\"side\":\"SELL\",\"orderType\":\"LIMIT\","
                            + "\"timeInForce\":\"GTC\",\"price\":\"100.00\",\"quantity\":\"1.000\","
                            + "\"icebergQuantity\":\"0.300\",\"stp\":\"NONE\"}");
            h.snapshot(1, 1);
            // 2 (0.100 left) ahead of 1, whose priority is the trade that emptied its first slice (seq 5)
            assertThat(stateOf(h, BTC))
                    .containsExactly(
                            "lastTradeId=2 lastOrderId=3",
                            new RestingOrder(
                                            2,
                                            8,
                                            Side.SELL,
                                            OrderType.LIMIT,
                                            TimeInForce.GTC,
                                            StpMode.NONE,
                                            10_000,
                                            200,
                                            100,
                                            1_000_000,
                                            1_000,
                                            0,
                                            3,
                                            null,
                                            0,
                                            0,
                                            0,
                                            0,
                                            0)
                                    .toString(),
                            new RestingOrder(
                                            1,
                                            7,
                                            Side.SELL,
                                            OrderType.LIMIT,
                                            TimeInForce.GTC,
                                            StpMode.NONE,
                                            10_000,
                                            1_000,
                                            300,
                                            3_000_000,
                                            3_000,
                                            0,
                                            5,
                                            null,
                                            0,
                                            0,
                                            0,
                                            300,
                                            300)
                                    .toString());
        }
        List<String> after = continuesExactlyAcrossARestore(stream, 4, 2, 1);
        assertThat(after.stream()
                        .filter(e -> e.contains("\"type\":\"TRADE\""))
                        .map(e -> jsonText(e, "makerOrderId") + ":" + jsonText(e, "quantity")))
                .containsExactly("2:0.100", "1:0.300", "1:0.100");
        assertThat(after)
                .contains("{\"symbol\":\"BTC-USDT\",\"seq\":11,\"time\":1800000000005,\"type\":\"CANCELLED\","
                        + "\"orderId\":1,\"userId\":7,\"reason\":\"USER\",\"cancelledQuantity\":\"0.300\","
                        + "\"filledQuantity\":\"0.700\"}");
    }

    /** The value of a field of a flat JSON object, without its quotes. */
    private static String jsonText(String json, String field) {
        int at = json.indexOf("\"" + field + "\":") + field.length() + 3;
        int end = at;
        while (end < json.length() && json.charAt(end) != ',' && json.charAt(end) != '}') {
            end++;
        }
        return json.substring(at, end).replace("\"", "");
    }

    /** Number of symbols with at least one resting order in keyed state. */
    private static long symbolsWithRestingOrders(
            KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h) {
        KeyedStateBackend<String> backend = h.getOperator().getKeyedStateBackend();
        try (var keys = backend.getKeys(MatchOperator.ordersDescriptor().getName(), VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    private static long restingOrders(
            KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h, String symbol)
            throws Exception {
        h.getOperator().setCurrentKey(symbol);
        long n = 0;
        for (var ignored : h.getOperator()
                .getKeyedStateStore()
                .getMapState(MatchOperator.ordersDescriptor())
                .keys()) {
            n++;
        }
        return n;
    }

    @Test
    void keyedStateReturnsToZeroWhenTheBookEmpties() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, BTC, listing());
            send(h, BTC, Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC));
            send(h, BTC, Command.limit(2, 7, Side.SELL, "101.00", "1.000", TimeInForce.GTC));
            send(h, BTC, Command.limit(3, 8, Side.BUY, "99.00", "1.000", TimeInForce.GTC));
            h.snapshot(1, 1);
            assertThat(restingOrders(h, BTC)).isEqualTo(3);
            assertThat(symbolsWithRestingOrders(h)).isEqualTo(1);

            send(h, BTC, Command.market(4, 9, Side.BUY, "1.500")); // fills 1, half of 2
            send(h, BTC, Command.cancel(3, 8));
            send(h, BTC, Command.limit(5, 9, Side.BUY, "101.00", "0.500", TimeInForce.GTC)); // fills the rest of 2
            send(h, BTC, Command.limit(6, 9, Side.BUY, "90.00", "0.500", TimeInForce.GTC)); // placed and cancelled
            send(h, BTC, Command.cancel(6, 9)); // within one checkpoint
            h.snapshot(2, 2);
            assertThat(restingOrders(h, BTC)).isZero();
            assertThat(symbolsWithRestingOrders(h)).isZero();
        }
    }

    @Test
    void aCommandFromAnotherPartitionThanItsSymbolsIsDeadLetteredAndNeverReachesTheBook() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(new SymbolCommand(BTC, listing(), 1, 0, 10), 1);
            h.processElement(
                    new SymbolCommand(
                            BTC, Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC), 2, 0, 11),
                    2);
            h.processElement(
                    new SymbolCommand(BTC, Command.limit(2, 8, Side.BUY, "100.00", "1.000", TimeInForce.GTC), 3, 1, 42),
                    3);
            assertThat(events(h)).hasSize(2);
            assertThat(side(h, MatchOperator.TRADES)).isEmpty();
            assertThat(side(h, MatchOperator.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(d -> assertDeadLetter(
                            d,
                            "{\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"orderId\":2,\"userId\":8,\"side\":\"BUY\",\"orderType\":\"LIMIT\","
                                    + "\"timeInForce\":\"GTC\",\"price\":\"100.00\",\"quantity\":\"1.000\"}",
                            1,
                            42,
                            3,
                            PoisonCode.WRONG_PARTITION,
                            "symbol BTC-USDT is bound to partition 0 of orders but this command came from partition 1; it was"
                                    + " not processed. Produce orders keyed by symbol; to move a symbol to another partition,"
                                    + " see 'Moving a symbol to another partition' in the README"));
            snapshot = h.snapshot(1, 1);
            assertThat(header(h, BTC).sourcePartition()).isZero();
            assertThat(header(h, BTC).severalPartitions()).isFalse();
            assertThat(header(h, BTC).seq()).isEqualTo(2);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new SymbolCommand(BTC, Command.cancel(1, 7), 4, 2, 5), 4);
            assertThat(events(h)).isEmpty();
            assertThat(side(h, MatchOperator.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(d -> assertThat(d.code()).isEqualTo(PoisonCode.WRONG_PARTITION));
            // The dead-lettered NEW did not use up id 2, and order 1 is still there.
            h.processElement(
                    new SymbolCommand(BTC, Command.limit(2, 8, Side.BUY, "100.00", "1.000", TimeInForce.GTC), 5, 0, 12),
                    5);
            assertThat(events(h)).hasSize(2);
            assertThat(events(h).get(0)).contains("\"seq\":3,", "\"type\":\"ACCEPTED\"", "\"orderId\":2,");
            assertThat(events(h).get(1)).contains("\"seq\":4,", "\"type\":\"TRADE\"", "\"makerOrderId\":1,");
        }
    }

    private static void assertDeadLetter(
            DeadLetter d, String value, int partition, long offset, long timestamp, PoisonCode code, String message) {
        assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo(BTC);
        assertThat(new String(d.value(), StandardCharsets.UTF_8)).isEqualTo(value);
        assertThat(d.topic()).isEqualTo("orders");
        assertThat(d.partition()).isEqualTo(partition);
        assertThat(d.offset()).isEqualTo(offset);
        assertThat(d.timestamp()).isEqualTo(timestamp);
        assertThat(d.code()).isEqualTo(code);
        assertThat(d.message()).isEqualTo(message);
    }

    /**
     * The reference engine, failing on purpose when an order of user 666 is about to rest, half way
     * through its command.
     */
    static final class FailingEngine extends ReferenceOrderBook {
        @Override
        protected void rest(Order o) {
            if (o.userId() == 666) {
                throw new IllegalStateException("injected engine failure");
            }
            super.rest(o);
        }
    }

    static KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> failingHarness() throws Exception {
        return failingHarness(0);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> failingHarness(
            int stateFlushOrders) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new MatchOperator("orders", s -> s.equals(BTC) ? new FailingEngine() : new HeapOrderBook())
                        .withStateFlushOrders(stateFlushOrders),
                SymbolCommand::symbol,
                Types.STRING,
                128,
                1,
                0);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    static final String ETH = "ETH-USDT";

    private static void clearOutputs(KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h) {
        h.getOutput().clear();
        for (var tag : List.of(MatchOperator.TRADES, MatchOperator.ORDERS, MatchOperator.DEAD_LETTERS)) {
            if (h.getSideOutput(tag) != null) {
                h.getSideOutput(tag).clear();
            }
        }
    }

    /** Everything of a book that decides what it does next, as text (the spec's status aside). */
    private static List<String> bookState(OrderBook b) {
        List<String> out = new ArrayList<>();
        out.add("lastTradeId=" + b.lastTradeId() + " lastOrderId=" + b.lastOrderId());
        b.forEachOrder(o -> out.add(RestingOrder.of(o).toString()));
        return out;
    }

    private static List<String> stateOf(
            KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h, String symbol)
            throws Exception {
        BookHeader hd = header(h, symbol);
        List<String> out = new ArrayList<>();
        out.add("lastTradeId=" + hd.lastTradeId() + " lastOrderId=" + hd.lastOrderId());
        List<RestingOrder> orders = new ArrayList<>();
        for (RestingOrder o : h.getOperator()
                .getKeyedStateStore()
                .getMapState(MatchOperator.ordersDescriptor())
                .values()) {
            orders.add(o);
        }
        // bids first (best first), then asks (best first): the same order as forEachOrder for these books
        orders.sort(java.util.Comparator.comparing((RestingOrder o) -> o.side() == Side.BUY ? 0 : 1)
                .thenComparing(o -> o.side() == Side.BUY ? -o.price() : o.price())
                .thenComparing(RestingOrder::priority));
        orders.forEach(o -> out.add(o.toString()));
        return out;
    }

    private static void sendTo(
            KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h,
            String symbol,
            Command c,
            long offset)
            throws Exception {
        long t = BASE_TIME + offset;
        h.processElement(new SymbolCommand(symbol, c, t, 0, offset), t);
    }

    /** Also with the book's state written after every command (1), so the failure meets a state written ahead. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void anEngineFailureHaltsOnlyItsSymbolWithItsBookAsBeforeTheCommand(int stateFlushOrders) throws Exception {
        OperatorSubtaskState snapshot;
        List<String> before;
        try (var h = failingHarness(stateFlushOrders)) {
            h.open();
            MatchOperator operator = (MatchOperator) h.getOperator();
            sendTo(h, BTC, listing(), 0);
            sendTo(h, ETH, listing(), 1);
            sendTo(h, BTC, Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC), 2);
            sendTo(h, BTC, Command.limit(2, 7, Side.SELL, "101.00", "1.000", TimeInForce.GTC), 3);
            sendTo(h, BTC, Command.limit(3, 8, Side.BUY, "99.00", "1.000", TimeInForce.GTC), 4);
            h.snapshot(1, 1);
            // Changes after the checkpoint, still only in memory when the engine fails.
            sendTo(h, BTC, Command.cancel(3, 8), 5);
            sendTo(h, BTC, Command.limit(4, 9, Side.SELL, "102.00", "1.000", TimeInForce.GTC), 6);
            before = bookState(operator.bookOf(BTC).book());
            long seqBefore = operator.bookOf(BTC).book().seq();
            assertThat(seqBefore).isEqualTo(6);
            clearOutputs(h);

            // Trades with orders 1 and 2, then fails when its remainder is about to rest.
            sendTo(h, BTC, Command.limit(5, 666, Side.BUY, "101.00", "2.500", TimeInForce.GTC), 7);

            assertThat(events(h))
                    .containsExactly("{\"symbol\":\"BTC-USDT\",\"seq\":7,\"time\":" + (BASE_TIME + 7)
                            + ",\"type\":\"SYMBOL_UPDATED\",\"baseAsset\":\"BTC\",\"quoteAsset\":\"USDT\",\"tickSize\":\"0.01\","
                            + "\"stepSize\":\"0.001\",\"minQty\":\"0.001\",\"minNotional\":\"0\",\"maxPrice\":\"1000000\","
                            + "\"maxQty\":\"1000\",\"makerFeeRate\":\"0.001\",\"takerFeeRate\":\"0.002\",\"status\":\"HALTED\","
                            + "\"defaultStp\":\"NONE\"}");
            assertThat(side(h, MatchOperator.TRADES)).isEmpty();
            assertThat(side(h, MatchOperator.ORDERS)).isEmpty();
            assertThat(side(h, MatchOperator.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(d -> assertDeadLetter(
                            d,
                            "{\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"orderId\":5,\"userId\":666,\"side\":\"BUY\","
                                    + "\"orderType\":\"LIMIT\",\"timeInForce\":\"GTC\",\"price\":\"101.00\",\"quantity\":\"2.500\"}",
                            0,
                            7,
                            BASE_TIME + 7,
                            PoisonCode.ENGINE_ERROR,
                            "the matching engine failed on this command: java.lang.IllegalStateException: injected engine"
                                    + " failure; symbol BTC-USDT is HALTED with its book as before the command"));
            assertThat(bookState(operator.bookOf(BTC).book())).isEqualTo(before);
            assertThat(operator.bookOf(BTC).book().spec().status()).isEqualTo(SymbolStatus.HALTED);
            clearOutputs(h);

            sendTo(h, BTC, Command.limit(6, 9, Side.BUY, "101.00", "1.000", TimeInForce.GTC), 8);
            assertThat(events(h))
                    .singleElement()
                    .asString()
                    .contains("\"seq\":8,", "\"type\":\"REJECTED\"", "\"reason\":\"SYMBOL_HALTED\"");
            sendTo(h, ETH, Command.limit(1, 1, Side.SELL, "100.00", "1.000", TimeInForce.GTC), 9);
            sendTo(h, ETH, Command.limit(2, 2, Side.BUY, "100.00", "1.000", TimeInForce.GTC), 10);
            assertThat(side(h, MatchOperator.TRADES))
                    .singleElement()
                    .satisfies(t -> assertThat(t.symbol()).isEqualTo(ETH));
            snapshot = h.snapshot(2, 2);
            assertThat(stateOf(h, BTC)).isEqualTo(before);
            assertThat(header(h, BTC).spec().status()).isEqualTo(SymbolStatus.HALTED);
            assertThat(header(h, BTC).seq()).isEqualTo(8);
        }
        try (var h = failingHarness(stateFlushOrders)) {
            h.initializeState(snapshot);
            h.open();
            sendTo(h, BTC, Command.limit(6, 9, Side.BUY, "101.00", "1.000", TimeInForce.GTC), 11);
            assertThat(events(h)).singleElement().asString().contains("\"seq\":9,", "\"reason\":\"SYMBOL_HALTED\"");
            assertThat(bookState(((MatchOperator) h.getOperator()).bookOf(BTC).book()))
                    .isEqualTo(before);
            clearOutputs(h);
            sendTo(h, BTC, Command.symbol(SymbolUpdate.status(SymbolStatus.TRADING)), 12);
            sendTo(h, BTC, Command.limit(6, 9, Side.BUY, "101.00", "1.500", TimeInForce.GTC), 13);
            // The failed command left no trade id, no order id and no fill behind.
            assertThat(side(h, MatchOperator.TRADES))
                    .extracting(TradeRow::tradeId, TradeRow::makerOrderId)
                    .containsExactly(
                            org.assertj.core.api.Assertions.tuple(1L, 1L),
                            org.assertj.core.api.Assertions.tuple(2L, 2L));
            sendTo(h, ETH, Command.limit(3, 1, Side.SELL, "100.00", "1.000", TimeInForce.GTC), 14);
            assertThat(events(h)).last().asString().contains("\"symbol\":\"ETH-USDT\",\"seq\":5,", "\"ACCEPTED\"");
        }
    }

    @Test
    void unlistedSymbolsCostNeitherStateNorMemory() throws Exception {
        int garbage = 100_000;
        try (var h = harness()) {
            h.open();
            send(h, BTC, listing());
            send(h, BTC, Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC));
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long heapBefore = rt.totalMemory() - rt.freeMemory();
            for (int i = 0; i < garbage; i++) {
                h.processElement(
                        new SymbolCommand(
                                "JUNK-" + i,
                                Command.limit(i + 1, 1, Side.BUY, "1.00", "1.000", TimeInForce.GTC),
                                5,
                                0,
                                i),
                        5);
            }
            // A refused listing leaves nothing either.
            h.processElement(
                    new SymbolCommand("JUNK-0", Command.symbol(SymbolUpdate.status(SymbolStatus.TRADING)), 6, 0, 0), 6);
            List<String> events = events(h);
            assertThat(events).hasSize(2 + garbage + 1);
            assertThat(events.get(2))
                    .isEqualTo("{\"symbol\":\"JUNK-0\",\"seq\":0,\"time\":5,\"type\":\"REJECTED\","
                            + "\"command\":\"NEW\",\"orderId\":1,\"userId\":1,\"reason\":\"UNKNOWN_SYMBOL\"}");
            assertThat(events.get(2 + garbage))
                    .isEqualTo("{\"symbol\":\"JUNK-0\",\"seq\":0,\"time\":6,"
                            + "\"type\":\"REJECTED\",\"command\":\"SYMBOL\",\"reason\":\"INVALID_SPEC\"}");
            assertThat(events.subList(2, 2 + garbage))
                    .allMatch(e -> e.contains("\"seq\":0,") && e.contains("UNKNOWN_SYMBOL"));

            h.snapshot(1, 1);
            clearOutputs(h); // the harness keeps every event; what is measured is what the operator keeps
            System.gc();
            long heapAfter = rt.totalMemory() - rt.freeMemory();
            MatchOperator op = (MatchOperator) h.getOperator();
            KeyedStateBackend<String> backend = op.getKeyedStateBackend();
            long headers;
            try (var keys = backend.getKeys(MatchOperator.headerDescriptor().getName(), VoidNamespace.INSTANCE)) {
                headers = keys.count();
            }
            System.out.printf(
                    "%,d unlisted symbols: %d symbols with a header in keyed state, %d with resting orders,"
                            + " %d books in memory, heap %+,d bytes after GC%n",
                    garbage, headers, symbolsWithRestingOrders(h), op.booksInMemory(), heapAfter - heapBefore);
            assertThat(headers).isEqualTo(1);
            assertThat(symbolsWithRestingOrders(h)).isEqualTo(1);
            assertThat(op.booksInMemory()).isEqualTo(1);

            // Listing one of them later starts its sequence at 1; the listed book did not notice any of it.
            h.processElement(new SymbolCommand("JUNK-7", listing(), 7, 0, 0), 7);
            assertThat(events(h))
                    .singleElement()
                    .asString()
                    .startsWith("{\"symbol\":\"JUNK-7\",\"seq\":1,\"time\":7,\"type\":\"SYMBOL_UPDATED\"");
            send(h, BTC, Command.limit(2, 8, Side.BUY, "100.00", "1.000", TimeInForce.GTC));
            assertThat(events(h)).last().asString().contains("\"symbol\":\"BTC-USDT\",\"seq\":4,", "\"TRADE\"");
            assertThat(op.booksInMemory()).isEqualTo(2);
        }
    }

    /** What a relay failover writes: the same admin-topic position twice on the orders topic. */
    @Test
    void aRelayedAdminCommandIsAppliedOncePerAdminPositionAcrossARestore() throws Exception {
        Command halt = Command.symbol(new SymbolUpdate(
                null, null, null, null, null, null, null, null, null, null, SymbolStatus.HALTED, null, true));
        Command resume = Command.symbol(SymbolUpdate.status(SymbolStatus.TRADING));
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(new SymbolCommand(BTC, listing(), 1, 0, 0, 5), 1);
            h.processElement(
                    new SymbolCommand(BTC, Command.limit(1, 7, Side.SELL, "65000.10", "0.500", TimeInForce.GTC), 2, 0),
                    2);
            h.processElement(new SymbolCommand(BTC, halt, 3, 0, 0, 6), 3);
            h.processElement(new SymbolCommand(BTC, resume, 4, 0, 0, 5), 4); // not above 6: a repeat, skipped
            h.processElement(new SymbolCommand(BTC, halt, 5, 0, 0, 6), 5); // the halt again: skipped
            assertThat(types(h)).containsExactly("SYMBOL_UPDATED", "ACCEPTED", "SYMBOL_UPDATED", "CANCELLED");
            snapshot = h.snapshot(1, 1);
            assertThat(header(h, BTC).adminPartition()).isZero();
            assertThat(header(h, BTC).adminOffset()).isEqualTo(6);
            assertThat(header(h, BTC).spec().status()).isEqualTo(SymbolStatus.HALTED);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new SymbolCommand(BTC, resume, 6, 0, 0, 6), 6); // repeat after the restore
            assertThat(types(h)).isEmpty();
            h.processElement(new SymbolCommand(BTC, resume, 7, 0, 0, 7), 7);
            h.processElement(new SymbolCommand(BTC, halt, 8, 0, 1, 0), 8); // another admin partition: applied
            assertThat(types(h)).containsExactly("SYMBOL_UPDATED", "SYMBOL_UPDATED");
            h.snapshot(2, 2);
            assertThat(header(h, BTC).adminPartition()).isEqualTo(1);
            assertThat(header(h, BTC).adminOffset()).isZero();
        }
    }

    private static List<String> types(KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h) {
        return events(h).stream()
                .map(j -> {
                    int at = j.indexOf("\"type\":\"") + 8;
                    return j.substring(at, j.indexOf('"', at));
                })
                .collect(Collectors.toList());
    }

    private static BookHeader header(
            KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h, String symbol)
            throws Exception {
        h.getOperator().setCurrentKey(symbol);
        return h.getOperator()
                .getKeyedStateStore()
                .getState(MatchOperator.headerDescriptor())
                .value();
    }

    @Test
    void snapshotAndRestoreOnRocksDbContinueExactlyAsWithout() throws Exception {
        continuesExactlyAcrossARestore(interleavedFlows(3, 30_000), 17_333, 9_000, 0);
    }

    /**
     * The adversarial stream of the differential test (every order type, time in force and STP mode,
     * amends, cancels, halts, wipes, rejects) on one symbol, through the operator and its state.
     */
    @Test
    void aStreamOfEveryKindOfCommandContinuesExactlyAcrossARestore() throws Exception {
        List<SymbolCommand> stream = new ArrayList<>();
        for (Command c : new RandomCommands(7).take(12_000)) {
            stream.add(new SymbolCommand(BTC, c, RandomCommands.time(stream.size()), 0));
        }
        List<String> after = continuesExactlyAcrossARestore(stream, 7_001, 3_000, 0);
        assertThat(String.join("\n", after)).contains("\"type\":\"DECREMENTED\"");
    }

    /**
     * Books that write their changed orders between commands (every 3 here, so often) leave the same
     * state at a checkpoint as books that write it all then: the job after the restore continues the same.
     */
    @Test
    void booksWritingTheirStateBetweenCommandsRestoreExactlyTheSame() throws Exception {
        continuesExactlyAcrossARestore(interleavedFlows(3, 30_000), 17_333, 9_000, 3);
        List<SymbolCommand> stream = new ArrayList<>();
        for (Command c : new RandomCommands(11).take(12_000)) {
            stream.add(new SymbolCommand(BTC, c, RandomCommands.time(stream.size()), 0));
        }
        continuesExactlyAcrossARestore(stream, 7_001, 3_000, 3);
    }

    /** Returns the outputs after the cut, which are the same with and without the restore there. */
    private static List<String> continuesExactlyAcrossARestore(
            List<SymbolCommand> stream, int cut, int earlier, int stateFlushOrders) throws Exception {
        List<String> uninterrupted;
        try (var h = harness()) {
            h.open();
            for (SymbolCommand c : stream) {
                h.processElement(c, c.timestamp());
            }
            uninterrupted = outputsAfter(h, cut);
        }

        OperatorSubtaskState snapshot;
        try (var h = harness(stateFlushOrders)) {
            h.open();
            for (int i = 0; i < cut; i++) {
                h.processElement(stream.get(i), stream.get(i).timestamp());
                if (i == earlier) {
                    h.snapshot(1, 1); // an earlier checkpoint, so the second one writes only what changed since
                }
            }
            snapshot = h.snapshot(2, 2);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            for (int i = cut; i < stream.size(); i++) {
                h.processElement(stream.get(i), stream.get(i).timestamp());
            }
            assertThat(outputsAfter(h, 0)).isEqualTo(uninterrupted);
        }
        return uninterrupted;
    }

    /** Events, trade rows and order rows (as text) produced by the commands from index {@code from} on. */
    private static List<String> outputsAfter(
            KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h, int from) {
        List<String> all = new ArrayList<>();
        List<String> events = events(h);
        // Keep what the commands after the cut produced: events carry the command's timestamp.
        long cutTime = BASE_TIME + from;
        for (OrderEvent e : h.extractOutputValues()) {
            String json = new String(e.json(), StandardCharsets.UTF_8);
            if (timeOf(json) >= cutTime) {
                all.add(json);
            }
        }
        assertThat(events).isNotEmpty();
        for (TradeRow t : side(h, MatchOperator.TRADES)) {
            if (t.time() >= cutTime) {
                all.add(t.toString());
            }
        }
        for (OrderRow o : side(h, MatchOperator.ORDERS)) {
            if (o.updatedAt() >= cutTime) {
                all.add(o.toString());
            }
        }
        return all;
    }

    private static long timeOf(String json) {
        int at = json.indexOf("\"time\":") + 7;
        return Long.parseLong(json.substring(at, json.indexOf(',', at)));
    }

    static final long BASE_TIME = 1_800_000_000_000L;

    /** A realistic flow on several symbols, interleaved, one millisecond apart. */
    static List<SymbolCommand> interleavedFlows(int symbols, int commands) {
        List<OrderFlow> flows = new ArrayList<>();
        List<SymbolCommand> out = new ArrayList<>();
        for (int s = 0; s < symbols; s++) {
            flows.add(new OrderFlow(100 + s, new OrderFlow.Shape(300, 60, 50, 10_000)));
            out.add(new SymbolCommand("SYM" + s, OrderFlow.listing(), BASE_TIME + out.size(), 0));
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        while (out.size() < commands) {
            int s = rnd.nextInt(symbols);
            out.add(new SymbolCommand("SYM" + s, flows.get(s).next(), BASE_TIME + out.size(), 0));
        }
        return out;
    }
}
