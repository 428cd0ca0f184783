package io.spotmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.L2Level;
import io.spotmatch.book.OrderBook;
import io.spotmatch.book.Side;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.load.OrderFlow;
import io.spotmatch.marketdata.L2Client;
import io.spotmatch.marketdata.MarketData;
import io.spotmatch.marketdata.MarketDataOptions;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Market data from the match operator: exact messages, identical after a restore, a client's book
 * equal to the engine's.
 */
class MarketDataOperatorTest {

    static final String BTC = MatchOperatorTest.BTC;
    /** A minute boundary. */
    static final long T = 1_700_000_040_000L;

    static KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> harness(MarketDataOptions o)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new MatchOperator("orders").withMarketData(o), SymbolCommand::symbol, Types.STRING, 128, 1, 0);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    static void send(KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h, SymbolCommand c)
            throws Exception {
        h.processElement(c, c.timestamp());
    }

    static List<MarketData> marketData(KeyedOneInputStreamOperatorTestHarness<String, SymbolCommand, OrderEvent> h) {
        return MatchOperatorTest.side(h, MatchOperator.MARKET_DATA);
    }

    static List<String> texts(List<MarketData> messages) {
        return messages.stream()
                .map(m -> m.kind() + " " + new String(m.json(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void publishesSnapshotAtListingDepthBboTradesAndClosesCandlesOnCommandTime() throws Exception {
        try (var h = harness(MarketDataOptions.defaults())) {
            h.open();
            send(h, new SymbolCommand(BTC, MatchOperatorTest.listing(), T, 0));
            send(
                    h,
                    new SymbolCommand(
                            BTC, Command.limit(1, 7, Side.SELL, "100.00", "0.500", TimeInForce.GTC), T + 1000, 0));
            send(
                    h,
                    new SymbolCommand(
                            BTC, Command.limit(2, 8, Side.BUY, "101.00", "0.200", TimeInForce.IOC), T + 2000, 0));
            send(h, new SymbolCommand(BTC, Command.cancel(99, 8), T + 3000, 0)); // rejected: no market data
            send(h, new SymbolCommand(BTC, Command.cancel(1, 7), T + 61_000, 0));
            String s = "{\"symbol\":\"BTC-USDT\",\"type\":";
            assertThat(texts(marketData(h)))
                    .containsExactly(
                            "SNAPSHOT " + s + "\"SNAPSHOT\",\"time\":" + T + ",\"seq\":1,\"bids\":[],\"asks\":[]}",
                            "DEPTH " + s + "\"DEPTH\",\"time\":" + (T + 1000)
                                    + ",\"firstSeq\":2,\"lastSeq\":2,\"prevSeq\":0,"
                                    + "\"bids\":[],\"asks\":[[\"100.00\",\"0.500\",1]]}",
                            "BBO " + s + "\"BBO\",\"time\":" + (T + 1000)
                                    + ",\"seq\":2,\"bidPrice\":null,\"bidQuantity\":null,"
                                    + "\"askPrice\":\"100.00\",\"askQuantity\":\"0.500\"}",
                            "TRADE " + s + "\"TRADE\",\"time\":" + (T + 2000)
                                    + ",\"seq\":4,\"tradeId\":1,\"price\":\"100.00\","
                                    + "\"quantity\":\"0.200\",\"quoteQuantity\":\"20.00000\",\"takerSide\":\"BUY\"}",
                            "DEPTH " + s + "\"DEPTH\",\"time\":" + (T + 2000)
                                    + ",\"firstSeq\":3,\"lastSeq\":4,\"prevSeq\":2,"
                                    + "\"bids\":[],\"asks\":[[\"100.00\",\"0.300\",1]]}",
                            "BBO " + s + "\"BBO\",\"time\":" + (T + 2000)
                                    + ",\"seq\":4,\"bidPrice\":null,\"bidQuantity\":null,"
                                    + "\"askPrice\":\"100.00\",\"askQuantity\":\"0.300\"}",
                            "CANDLE " + s + "\"CANDLE\",\"time\":" + T + ",\"interval\":\"1m\",\"start\":" + T
                                    + ",\"end\":"
                                    + (T + 60_000)
                                    + ",\"open\":\"100.00\",\"high\":\"100.00\",\"low\":\"100.00\",\"close\":\"100.00\","
                                    + "\"volume\":\"0.200\",\"quoteVolume\":\"20.00000\",\"trades\":1,\"lastSeq\":4}",
                            "DEPTH " + s + "\"DEPTH\",\"time\":" + (T + 61_000)
                                    + ",\"firstSeq\":6,\"lastSeq\":6,\"prevSeq\":4,"
                                    + "\"bids\":[],\"asks\":[[\"100.00\",\"0.000\",0]]}",
                            "BBO " + s + "\"BBO\",\"time\":" + (T + 61_000)
                                    + ",\"seq\":6,\"bidPrice\":null,\"bidQuantity\":null,"
                                    + "\"askPrice\":null,\"askQuantity\":null}");
            assertThat(marketData(h)).allMatch(m -> m.symbol().equals(BTC));
        }
    }

    /** Depth and BBO show an iceberg's visible slice only, also after a refresh (the reserve is never published). */
    @Test
    void depthAndBboShowOnlyAnIcebergsVisibleSlice() throws Exception {
        try (var h = harness(MarketDataOptions.defaults())) {
            h.open();
            send(h, new SymbolCommand(BTC, MatchOperatorTest.listing(), T, 0));
            Command iceberg = Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC)
                    .withIcebergQuantity("0.300");
            send(h, new SymbolCommand(BTC, iceberg, T + 1000, 0));
            // 0.300 empties the slice, the next slice shows 0.300 and loses 0.100 to the same taker
            send(
                    h,
                    new SymbolCommand(
                            BTC, Command.limit(2, 8, Side.BUY, "100.00", "0.400", TimeInForce.GTC), T + 2000, 0));
            String s = "{\"symbol\":\"BTC-USDT\",\"type\":";
            assertThat(texts(marketData(h)).stream().filter(m -> m.startsWith("DEPTH") || m.startsWith("BBO")))
                    .containsExactly(
                            "DEPTH " + s + "\"DEPTH\",\"time\":" + (T + 1000)
                                    + ",\"firstSeq\":2,\"lastSeq\":2,\"prevSeq\":0,"
                                    + "\"bids\":[],\"asks\":[[\"100.00\",\"0.300\",1]]}",
                            "BBO " + s + "\"BBO\",\"time\":" + (T + 1000)
                                    + ",\"seq\":2,\"bidPrice\":null,\"bidQuantity\":null,"
                                    + "\"askPrice\":\"100.00\",\"askQuantity\":\"0.300\"}",
                            "DEPTH " + s + "\"DEPTH\",\"time\":" + (T + 2000)
                                    + ",\"firstSeq\":3,\"lastSeq\":5,\"prevSeq\":2,"
                                    + "\"bids\":[],\"asks\":[[\"100.00\",\"0.200\",1]]}",
                            "BBO " + s + "\"BBO\",\"time\":" + (T + 2000)
                                    + ",\"seq\":5,\"bidPrice\":null,\"bidQuantity\":null,"
                                    + "\"askPrice\":\"100.00\",\"askQuantity\":\"0.200\"}");
        }
    }

    @Test
    void eachStreamCanBeSwitchedOffAndOffMeansNoStateAndNoOutput() throws Exception {
        var onlyTrades = new MarketDataOptions(EnumSet.of(MarketData.Kind.TRADE), 1000, 0, new long[] {60_000});
        try (var h = harness(onlyTrades);
                var off = harness(MarketDataOptions.off())) {
            h.open();
            off.open();
            for (var x : List.of(h, off)) {
                send(x, new SymbolCommand(BTC, MatchOperatorTest.listing(), T, 0));
                send(
                        x,
                        new SymbolCommand(
                                BTC, Command.limit(1, 7, Side.SELL, "100.00", "0.500", TimeInForce.GTC), T + 1, 0));
                send(
                        x,
                        new SymbolCommand(
                                BTC, Command.limit(2, 8, Side.BUY, "101.00", "0.200", TimeInForce.IOC), T + 2, 0));
                send(x, new SymbolCommand(BTC, Command.cancel(1, 7), T + 61_000, 0));
            }
            assertThat(marketData(h)).extracting(MarketData::kind).containsExactly(MarketData.Kind.TRADE);
            assertThat(marketData(off)).isEmpty();
            off.snapshot(1, 1);
            off.getOperator().setCurrentKey(BTC);
            assertThat(off.getOperator()
                            .getKeyedStateStore()
                            .getState(MatchOperator.marketDataDescriptor())
                            .value())
                    .isNull();
        }
    }

    /**
     * Producers' clocks disagree: with no candle open, a trade stamped in an interval that closed
     * counts in the latest interval a command fell in, also across a restore, so no interval's
     * candle is published twice. The trade itself keeps its command's time.
     */
    @Test
    void aTradeStampedInAClosedIntervalCountsInTheLatestIntervalAndNoCandleRepeats() throws Exception {
        var options = new MarketDataOptions(
                EnumSet.of(MarketData.Kind.TRADE, MarketData.Kind.CANDLE), 1000, 0, new long[] {60_000});
        List<SymbolCommand> beforeClose = List.of(
                new SymbolCommand(BTC, MatchOperatorTest.listing(), T, 0),
                new SymbolCommand(BTC, Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC), T + 1000, 0),
                new SymbolCommand(BTC, Command.limit(2, 8, Side.BUY, "100.00", "0.100", TimeInForce.IOC), T + 2000, 0),
                // No trade: closes the first minute; no candle is open after it.
                new SymbolCommand(
                        BTC, Command.limit(3, 7, Side.SELL, "101.00", "0.500", TimeInForce.GTC), T + 61_000, 0));
        List<SymbolCommand> afterClose = List.of(
                // Stamped in the first minute, which closed: counts in the second.
                new SymbolCommand(
                        BTC, Command.limit(4, 8, Side.BUY, "100.00", "0.200", TimeInForce.IOC), T + 30_000, 0),
                new SymbolCommand(
                        BTC, Command.limit(5, 8, Side.BUY, "101.00", "0.800", TimeInForce.IOC), T + 59_000, 0),
                new SymbolCommand(BTC, Command.cancel(3, 7), T + 121_000, 0));
        String s = "{\"symbol\":\"BTC-USDT\",\"type\":";
        List<String> expected = List.of(
                "TRADE " + s + "\"TRADE\",\"time\":" + (T + 2000) + ",\"seq\":4,\"tradeId\":1,\"price\":\"100.00\","
                        + "\"quantity\":\"0.100\",\"quoteQuantity\":\"10.00000\",\"takerSide\":\"BUY\"}",
                "CANDLE " + s + "\"CANDLE\",\"time\":" + T + ",\"interval\":\"1m\",\"start\":" + T + ",\"end\":"
                        + (T + 60_000) + ",\"open\":\"100.00\",\"high\":\"100.00\",\"low\":\"100.00\","
                        + "\"close\":\"100.00\",\"volume\":\"0.100\",\"quoteVolume\":\"10.00000\",\"trades\":1,"
                        + "\"lastSeq\":4}",
                "TRADE " + s + "\"TRADE\",\"time\":" + (T + 30_000) + ",\"seq\":7,\"tradeId\":2,\"price\":\"100.00\","
                        + "\"quantity\":\"0.200\",\"quoteQuantity\":\"20.00000\",\"takerSide\":\"BUY\"}",
                "TRADE " + s + "\"TRADE\",\"time\":" + (T + 59_000) + ",\"seq\":9,\"tradeId\":3,\"price\":\"100.00\","
                        + "\"quantity\":\"0.700\",\"quoteQuantity\":\"70.00000\",\"takerSide\":\"BUY\"}",
                "TRADE " + s + "\"TRADE\",\"time\":" + (T + 59_000) + ",\"seq\":10,\"tradeId\":4,"
                        + "\"price\":\"101.00\",\"quantity\":\"0.100\",\"quoteQuantity\":\"10.10000\","
                        + "\"takerSide\":\"BUY\"}",
                "CANDLE " + s + "\"CANDLE\",\"time\":" + (T + 60_000) + ",\"interval\":\"1m\",\"start\":"
                        + (T + 60_000) + ",\"end\":" + (T + 120_000) + ",\"open\":\"100.00\",\"high\":\"101.00\","
                        + "\"low\":\"100.00\",\"close\":\"101.00\",\"volume\":\"1.000\","
                        + "\"quoteVolume\":\"100.10000\",\"trades\":3,\"lastSeq\":10}");
        try (var h = harness(options)) {
            h.open();
            for (SymbolCommand c : beforeClose) {
                send(h, c);
            }
            for (SymbolCommand c : afterClose) {
                send(h, c);
            }
            assertThat(texts(marketData(h))).containsExactlyElementsOf(expected);
        }
        List<String> restored = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = harness(options)) {
            h.open();
            for (SymbolCommand c : beforeClose) {
                send(h, c);
            }
            snapshot = h.snapshot(1, 1);
            restored.addAll(texts(marketData(h)));
        }
        try (var h = harness(options)) {
            h.initializeState(snapshot);
            h.open();
            for (SymbolCommand c : afterClose) {
                send(h, c);
            }
            restored.addAll(texts(marketData(h)));
        }
        assertThat(restored).containsExactlyElementsOf(expected);
    }

    /** Two symbols of realistic flow, one minute candles and 15 s candles, snapshots every 200 seqs. */
    static List<SymbolCommand> flow(int commands) {
        List<SymbolCommand> out = new ArrayList<>();
        List<OrderFlow> flows = List.of(
                new OrderFlow(7, new OrderFlow.Shape(200, 40, 30, 10_000)),
                new OrderFlow(8, new OrderFlow.Shape(100, 20, 10, 20_000)));
        String[] symbols = {"AAA-USDT", "BBB-USDT"};
        long t = T - 7_000;
        for (String sym : symbols) {
            out.add(new SymbolCommand(sym, OrderFlow.listing(), t, 0));
        }
        for (int i = 0; i < commands; i++) {
            int k = i % 3 == 0 ? 1 : 0;
            t += 1_500;
            out.add(new SymbolCommand(symbols[k], flows.get(k).next(), t, 0));
        }
        return out;
    }

    static final MarketDataOptions OPTIONS =
            new MarketDataOptions(EnumSet.allOf(MarketData.Kind.class), 200, 0, new long[] {15_000, 60_000});

    @Test
    void aRestoredOperatorPublishesExactlyWhatAnUninterruptedOneDoes() throws Exception {
        List<SymbolCommand> commands = flow(4000);
        int cut = 2345;
        List<MarketData> uninterrupted;
        try (var h = harness(OPTIONS)) {
            h.open();
            for (SymbolCommand c : commands) {
                send(h, c);
            }
            uninterrupted = marketData(h);
        }
        List<MarketData> restored = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = harness(OPTIONS)) {
            h.open();
            for (SymbolCommand c : commands.subList(0, cut)) {
                send(h, c);
            }
            snapshot = h.snapshot(1, 1);
            restored.addAll(marketData(h));
        }
        try (var h = harness(OPTIONS)) {
            h.initializeState(snapshot);
            h.open();
            for (SymbolCommand c : commands.subList(cut, commands.size())) {
                send(h, c);
            }
            restored.addAll(marketData(h));
        }
        assertThat(texts(restored)).isEqualTo(texts(uninterrupted));
        assertThat(uninterrupted).extracting(MarketData::kind).contains(MarketData.Kind.values());
    }

    @Test
    void anEngineFailurePublishesNothingOfItsCommandAndLeavesTheOpenCandleAsBefore() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new MatchOperator("orders", sym -> new MatchOperatorTest.FailingEngine())
                        .withMarketData(new MarketDataOptions(
                                EnumSet.of(MarketData.Kind.TRADE, MarketData.Kind.CANDLE, MarketData.Kind.DEPTH),
                                1000,
                                0,
                                new long[] {60_000})),
                SymbolCommand::symbol,
                Types.STRING,
                128,
                1,
                0);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        try (h) {
            h.open();
            send(h, new SymbolCommand(BTC, MatchOperatorTest.listing(), T, 0));
            send(
                    h,
                    new SymbolCommand(
                            BTC, Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC), T + 1, 0));
            send(
                    h,
                    new SymbolCommand(
                            BTC, Command.limit(2, 7, Side.SELL, "101.00", "1.000", TimeInForce.GTC), T + 2, 0));
            send(
                    h,
                    new SymbolCommand(
                            BTC, Command.limit(3, 8, Side.BUY, "100.00", "0.100", TimeInForce.IOC), T + 3, 0));
            h.snapshot(1, 1);
            send(
                    h,
                    new SymbolCommand(
                            BTC, Command.limit(4, 8, Side.BUY, "100.00", "0.200", TimeInForce.IOC), T + 4, 0));
            int before = marketData(h).size();
            // Trades with orders 1 and 2, then the engine fails when its remainder is about to rest.
            send(
                    h,
                    new SymbolCommand(
                            BTC, Command.limit(5, 666, Side.BUY, "101.00", "2.500", TimeInForce.GTC), T + 5, 0));
            assertThat(marketData(h)).hasSize(before);
            send(
                    h,
                    new SymbolCommand(
                            BTC,
                            Command.symbol(
                                    io.spotmatch.book.SymbolUpdate.status(io.spotmatch.book.SymbolStatus.TRADING)),
                            T + 61_000,
                            0));
            List<String> after =
                    texts(marketData(h).subList(before, marketData(h).size()));
            assertThat(after)
                    .containsExactly("CANDLE {\"symbol\":\"BTC-USDT\",\"type\":\"CANDLE\",\"time\":" + T
                            + ",\"interval\":\"1m\",\"start\":" + T + ",\"end\":" + (T + 60_000)
                            + ",\"open\":\"100.00\","
                            + "\"high\":\"100.00\",\"low\":\"100.00\",\"close\":\"100.00\",\"volume\":\"0.300\","
                            + "\"quoteVolume\":\"30.00000\",\"trades\":2,\"lastSeq\":7}");
            // The next depth update follows the last one published, not the failed command's.
            send(h, new SymbolCommand(BTC, Command.cancel(2, 7), T + 62_000, 0));
            String last = texts(marketData(h)).get(marketData(h).size() - 1);
            assertThat(last).contains("\"firstSeq\":10,", "\"prevSeq\":7,", "\"asks\":[[\"101.00\",\"0.000\",0]]");
        }
    }

    @Test
    void marketDataChangesNoOrderEventTradeRowOrOrderRow() throws Exception {
        List<SymbolCommand> commands = flow(3000);
        try (var on = harness(OPTIONS);
                var off = harness(MarketDataOptions.off())) {
            on.open();
            off.open();
            for (SymbolCommand c : commands) {
                send(on, c);
                send(off, c);
            }
            assertThat(MatchOperatorTest.events(on))
                    .isEqualTo(MatchOperatorTest.events(off))
                    .hasSizeGreaterThan(3000);
            assertThat(MatchOperatorTest.side(on, MatchOperator.TRADES))
                    .isEqualTo(MatchOperatorTest.side(off, MatchOperator.TRADES));
            assertThat(MatchOperatorTest.side(on, MatchOperator.ORDERS))
                    .isEqualTo(MatchOperatorTest.side(off, MatchOperator.ORDERS));
        }
    }

    @Test
    void clientBookEqualsEngineBookAndCandlesEqualCandlesRecomputedFromTrades() throws Exception {
        List<SymbolCommand> commands = flow(4000);
        try (var h = harness(OPTIONS)) {
            h.open();
            for (SymbolCommand c : commands) {
                send(h, c);
            }
            List<MarketData> md = marketData(h);
            for (String symbol : List.of("AAA-USDT", "BBB-USDT")) {
                List<MarketData> depth = md.stream()
                        .filter(m -> m.symbol().equals(symbol)
                                && (m.kind() == MarketData.Kind.DEPTH || m.kind() == MarketData.Kind.SNAPSHOT))
                        .toList();
                OrderBook engine =
                        ((MatchOperator) h.getOperator()).bookOf(symbol).book();

                L2Client everything = new L2Client();
                depth.forEach(m -> everything.accept(m.json()));
                depth.forEach(m -> everything.accept(m.json())); // an at-least-once topic's repeats
                assertThat(everything.gaps()).isZero();
                assertThat(everything.bids())
                        .isEqualTo(levels(engine, Side.BUY))
                        .isNotEmpty();
                assertThat(everything.asks())
                        .isEqualTo(levels(engine, Side.SELL))
                        .isNotEmpty();
                assertThat(everything.seq()).isGreaterThan(1000);

                // Joins late and loses an update: resyncs at the next snapshot and ends with the same book.
                L2Client late = new L2Client();
                List<MarketData> fromMiddle = new ArrayList<>(depth.subList(depth.size() / 3, depth.size()));
                int lost = fromMiddle.size() / 3;
                while (fromMiddle.get(lost).kind() != MarketData.Kind.DEPTH) {
                    lost++;
                }
                fromMiddle.remove(lost);
                fromMiddle.forEach(m -> late.accept(m.json()));
                assertThat(late.gaps()).isEqualTo(1);
                assertThat(late.snapshotsTaken()).isGreaterThanOrEqualTo(2);
                assertThat(late.bids()).isEqualTo(levels(engine, Side.BUY));
                assertThat(late.asks()).isEqualTo(levels(engine, Side.SELL));
            }
            assertThat(candles(md))
                    .isEqualTo(recomputedCandles(MatchOperatorTest.side(h, MatchOperator.TRADES), commands))
                    .hasSizeGreaterThan(100);
        }
    }

    @Test
    void marketDataStateRoundTripsWithItsVersionByteAndRefusesANewerOne() throws Exception {
        var state = new io.spotmatch.marketdata.MarketDataState(
                42,
                List.of(new io.spotmatch.marketdata.MarketDataState.OpenCandle(
                        60_000, T, 10_000, 10_100, 9_900, 10_050, 1500, 15_000_000, 3, 41)),
                List.of(
                        new io.spotmatch.marketdata.MarketDataState.LatestInterval(15_000, T + 45_000),
                        new io.spotmatch.marketdata.MarketDataState.LatestInterval(60_000, T)));
        var out = new org.apache.flink.core.memory.DataOutputSerializer(64);
        MarketDataStateSerializer.INSTANCE.serialize(state, out);
        byte[] bytes = out.getCopyOfBuffer();
        assertThat(bytes[0]).isEqualTo((byte) 2);
        assertThat(bytes).hasSize(1 + 8 + 4 + 10 * 8 + 4 + 2 * 2 * 8);
        assertThat(MarketDataStateSerializer.INSTANCE.deserialize(
                        new org.apache.flink.core.memory.DataInputDeserializer(bytes)))
                .isEqualTo(state);
        bytes[0] = 3;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MarketDataStateSerializer.INSTANCE.deserialize(
                        new org.apache.flink.core.memory.DataInputDeserializer(bytes)))
                .hasMessageContaining("format version 3")
                .hasMessageContaining("newer SpotMatch");
    }

    static List<L2Client.Level> levels(OrderBook book, Side side) {
        List<L2Client.Level> out = new ArrayList<>();
        for (L2Level l : book.depth(side, Integer.MAX_VALUE)) {
            StringBuilder p = new StringBuilder();
            StringBuilder q = new StringBuilder();
            book.spec().appendPrice(p, l.price());
            book.spec().appendQty(q, l.quantity());
            out.add(new L2Client.Level(p.toString(), q.toString(), l.orders()));
        }
        return out;
    }

    static List<String> candles(List<MarketData> md) {
        return md.stream()
                .filter(m -> m.kind() == MarketData.Kind.CANDLE)
                .map(m -> new String(m.json(), StandardCharsets.UTF_8))
                .sorted()
                .toList();
    }

    /** The candles from the trade rows: per symbol and interval, closed once a later interval's command came. */
    static List<String> recomputedCandles(List<TradeRow> trades, List<SymbolCommand> commands) {
        Map<String, Long> lastTime = new LinkedHashMap<>();
        commands.forEach(c -> lastTime.put(c.symbol(), c.timestamp()));
        List<String> out = new ArrayList<>();
        for (long interval : OPTIONS.candleIntervals()) {
            Map<String, List<TradeRow>> byCandle = new LinkedHashMap<>();
            for (TradeRow t : trades) {
                long start = Math.floorDiv(t.time(), interval) * interval;
                if (start < Math.floorDiv(lastTime.get(t.symbol()), interval) * interval) {
                    byCandle.computeIfAbsent(t.symbol() + "@" + start, k -> new ArrayList<>())
                            .add(t);
                }
            }
            byCandle.forEach((key, rows) -> {
                long start = Math.floorDiv(rows.get(0).time(), interval) * interval;
                BigDecimal high = rows.stream()
                        .map(TradeRow::price)
                        .reduce(BigDecimal::max)
                        .orElseThrow();
                BigDecimal low = rows.stream()
                        .map(TradeRow::price)
                        .reduce(BigDecimal::min)
                        .orElseThrow();
                BigDecimal volume = rows.stream()
                        .map(TradeRow::quantity)
                        .reduce(BigDecimal::add)
                        .orElseThrow();
                BigDecimal quote = rows.stream()
                        .map(TradeRow::quoteQuantity)
                        .reduce(BigDecimal::add)
                        .orElseThrow();
                out.add("{\"symbol\":\"" + rows.get(0).symbol() + "\",\"type\":\"CANDLE\",\"time\":" + start
                        + ",\"interval\":\"" + MarketDataOptions.intervalName(interval) + "\",\"start\":" + start
                        + ",\"end\":" + (start + interval) + ",\"open\":\""
                        + rows.get(0).price().toPlainString()
                        + "\",\"high\":\"" + high.toPlainString() + "\",\"low\":\"" + low.toPlainString()
                        + "\",\"close\":\"" + rows.get(rows.size() - 1).price().toPlainString() + "\",\"volume\":\""
                        + volume.toPlainString() + "\",\"quoteVolume\":\"" + quote.toPlainString() + "\",\"trades\":"
                        + rows.size() + ",\"lastSeq\":"
                        + rows.get(rows.size() - 1).seq() + "}");
            });
        }
        return out.stream().sorted().toList();
    }
}
