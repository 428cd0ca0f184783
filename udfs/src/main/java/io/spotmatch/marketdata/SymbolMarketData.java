package io.spotmatch.marketdata;

import io.spotmatch.book.OrderBook;
import io.spotmatch.book.Side;
import io.spotmatch.book.SymbolSpec;
import io.spotmatch.marketdata.MarketData.Kind;
import io.spotmatch.marketdata.MarketDataState.LatestInterval;
import io.spotmatch.marketdata.MarketDataState.OpenCandle;
import io.spotmatch.wire.EventJson;
import io.spotmatch.wire.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One symbol's market data, computed from its engine's callbacks on command time only: a replay of
 * the same commands publishes the same messages. Candles are on the symbol's command time clamped
 * to be non-decreasing, so an interval closes once and its candle is published once. Fed per
 * command: {@link #begin}, then a {@link #trade} per fill, then {@link #end}. What a restore must
 * not lose is {@link #state()}; the best bid and offer last published is the restored book's own
 * top, so it needs no state.
 */
public final class SymbolMarketData {

    /** Where the messages go. */
    public interface Sink {
        void marketData(MarketData message);
    }

    private static final long NONE = Long.MIN_VALUE;

    private final String symbol;
    private final MarketDataOptions options;
    private final StringBuilder json = new StringBuilder(256);

    private long lastDepthSeq;
    // Per candle interval, by index into options.candleIntervals(): start[i] is the latest interval a
    // command fell in (NONE: no command yet), open[i] whether its candle has trades.
    private final long[] intervals;
    private final boolean[] open;
    private final long[] start;
    private final long[] first;
    private final long[] high;
    private final long[] low;
    private final long[] last;
    private final long[] volume;
    private final long[] quoteVolume;
    private final long[] trades;
    private final long[] lastTradeSeq;
    private boolean dirty;

    // The state before the current command, for a roll back if the engine fails on it.
    private MarketDataState before;
    private boolean changedInCommand;

    private long bidPrice;
    private long bidQty;
    private long askPrice;
    private long askQty;

    // Depth update being written by the level visitor.
    private Side writingSide;
    private int levelsWritten;
    private SymbolSpec writingSpec;
    private final OrderBook.LevelChange depthWriter = this::writeLevel;

    public SymbolMarketData(String symbol, MarketDataOptions options) {
        this.symbol = symbol;
        this.options = options;
        intervals = options.candles() ? options.candleIntervals() : new long[0];
        int n = intervals.length;
        open = new boolean[n];
        start = new long[n];
        Arrays.fill(start, NONE);
        first = new long[n];
        high = new long[n];
        low = new long[n];
        last = new long[n];
        volume = new long[n];
        quoteVolume = new long[n];
        trades = new long[n];
        lastTradeSeq = new long[n];
    }

    /**
     * Carries on from keyed state (null: none was written, e.g. a savepoint from before market data:
     * the next depth update then has prevSeq 0, which makes clients resync, and candles start at the
     * next trade).
     */
    public void restore(MarketDataState state, OrderBook book) {
        if (state != null) {
            lastDepthSeq = state.lastDepthSeq();
            for (LatestInterval l : state.latest()) {
                for (int i = 0; i < intervals.length; i++) {
                    if (intervals[i] == l.interval()) {
                        start[i] = l.start();
                    }
                }
            }
            for (OpenCandle c : state.candles()) {
                for (int i = 0; i < intervals.length; i++) {
                    // A candle of an interval no longer configured is dropped.
                    if (intervals[i] == c.interval()) {
                        open[i] = true;
                        start[i] = c.start();
                        first[i] = c.open();
                        high[i] = c.high();
                        low[i] = c.low();
                        last[i] = c.close();
                        volume[i] = c.volume();
                        quoteVolume[i] = c.quoteVolume();
                        trades[i] = c.trades();
                        lastTradeSeq[i] = c.lastSeq();
                    }
                }
            }
        }
        bidPrice = book.topPrice(Side.BUY);
        bidQty = book.topQuantity(Side.BUY);
        askPrice = book.topPrice(Side.SELL);
        askQty = book.topQuantity(Side.SELL);
    }

    /**
     * Before a command at {@code time}: a later interval than the latest one closes the latter's
     * candle. An earlier one (producers' clocks disagree) counts in the latest interval: its own
     * closed already, and a second candle for it would repeat its start.
     */
    public void begin(long time, SymbolSpec spec, Sink sink) {
        before = null;
        changedInCommand = false;
        for (int i = 0; i < intervals.length; i++) {
            long interval = Math.floorDiv(time, intervals[i]) * intervals[i];
            if (interval > start[i]) {
                changing();
                if (open[i]) {
                    candle(i, spec, sink);
                    open[i] = false;
                }
                start[i] = interval;
            }
        }
    }

    /** A fill of the current command, at the maker's price. */
    public void trade(
            long seq,
            long tradeId,
            Side takerSide,
            long price,
            long qty,
            long quote,
            long time,
            SymbolSpec s,
            Sink sink) {
        if (options.on(Kind.TRADE)) {
            head(Kind.TRADE, time);
            number(json, "seq", seq);
            number(json, "tradeId", tradeId);
            price(json, s, "price", price);
            qty(json, s, "quantity", qty);
            quote(json, s, "quoteQuantity", quote);
            text(json, "takerSide", takerSide.name());
            emit(Kind.TRADE, seq, sink);
        }
        if (intervals.length == 0) {
            return;
        }
        changing();
        for (int i = 0; i < intervals.length; i++) {
            // In the latest interval, which begin set: whatever the command's own time.
            if (!open[i]) {
                open[i] = true;
                first[i] = price;
                high[i] = price;
                low[i] = price;
                volume[i] = 0;
                quoteVolume[i] = 0;
                trades[i] = 0;
            }
            high[i] = Math.max(high[i], price);
            low[i] = Math.min(low[i], price);
            last[i] = price;
            volume[i] = Math.addExact(volume[i], qty);
            quoteVolume[i] = Math.addExact(quoteVolume[i], quote);
            trades[i]++;
            lastTradeSeq[i] = seq;
        }
    }

    /**
     * After a command that took sequence numbers {@code firstSeq..lastSeq} (none: firstSeq > lastSeq):
     * its depth update, the new best bid and offer, and a snapshot at listing or when the range
     * covers a multiple of the snapshot interval.
     */
    public void end(OrderBook book, long firstSeq, long lastSeq, boolean listed, long time, Sink sink) {
        if (firstSeq > lastSeq) {
            return;
        }
        SymbolSpec s = book.spec();
        if (options.on(Kind.DEPTH)) {
            head(Kind.DEPTH, time);
            number(json, "firstSeq", firstSeq);
            number(json, "lastSeq", lastSeq);
            number(json, "prevSeq", lastDepthSeq);
            json.append(",\"bids\":[");
            writingSide = Side.BUY;
            levelsWritten = 0;
            writingSpec = s;
            int mark = json.length();
            book.changedLevels(depthWriter);
            if (writingSide == Side.BUY) {
                json.append("],\"asks\":[");
            }
            json.append("]");
            if (json.length() > mark + "],\"asks\":[]".length()) {
                changing();
                lastDepthSeq = lastSeq;
                emit(Kind.DEPTH, lastSeq, sink);
            }
        }
        if (options.on(Kind.BBO) && s != null) {
            long bp = book.topPrice(Side.BUY);
            long bq = book.topQuantity(Side.BUY);
            long ap = book.topPrice(Side.SELL);
            long aq = book.topQuantity(Side.SELL);
            if (bp != bidPrice || bq != bidQty || ap != askPrice || aq != askQty) {
                bidPrice = bp;
                bidQty = bq;
                askPrice = ap;
                askQty = aq;
                head(Kind.BBO, time);
                number(json, "seq", lastSeq);
                appendTop(json, s, "bid", bp, bq);
                appendTop(json, s, "ask", ap, aq);
                emit(Kind.BBO, lastSeq, sink);
            }
        }
        long every = options.snapshotEvery();
        if (options.on(Kind.SNAPSHOT) && s != null && (listed || lastSeq / every > (firstSeq - 1) / every)) {
            snapshot(book, lastSeq, time, sink);
        }
    }

    private void snapshot(OrderBook book, long seq, long time, Sink sink) {
        SymbolSpec s = book.spec();
        int levels = options.snapshotLevels() == 0 ? Integer.MAX_VALUE : options.snapshotLevels();
        head(Kind.SNAPSHOT, time);
        number(json, "seq", seq);
        for (Side side : Side.values()) {
            json.append(",\"").append(side == Side.BUY ? "bids" : "asks").append("\":[");
            boolean firstLevel = true;
            for (var l : book.depth(side, levels)) {
                if (!firstLevel) {
                    json.append(',');
                }
                firstLevel = false;
                level(s, l.price(), l.quantity(), l.orders());
            }
            json.append(']');
        }
        emit(Kind.SNAPSHOT, seq, sink);
    }

    private void writeLevel(Side side, long price, long quantity, int orders) {
        if (side != writingSide) {
            json.append("],\"asks\":[");
            writingSide = side;
            levelsWritten = 0;
        }
        if (levelsWritten++ > 0) {
            json.append(',');
        }
        level(writingSpec, price, quantity, orders);
    }

    private void level(SymbolSpec s, long price, long quantity, int orders) {
        json.append("[\"");
        s.appendPrice(json, price);
        json.append("\",\"");
        s.appendQty(json, quantity);
        json.append("\",").append(orders).append(']');
    }

    /**
     * A side's best price and quantity as BBO messages name them ({@code null} for an empty side),
     * each after a comma; the book inspector prints a savepoint's top the same way.
     */
    public static void appendTop(StringBuilder json, SymbolSpec s, String side, long price, long qty) {
        if (price == 0) {
            json.append(",\"")
                    .append(side)
                    .append("Price\":null,\"")
                    .append(side)
                    .append("Quantity\":null");
        } else {
            price(json, s, side + "Price", price);
            qty(json, s, side + "Quantity", qty);
        }
    }

    private void candle(int i, SymbolSpec s, Sink sink) {
        if (!options.on(Kind.CANDLE)) {
            return;
        }
        head(Kind.CANDLE, start[i]);
        json.append(',');
        appendCandle(
                json,
                s,
                intervals[i],
                start[i],
                first[i],
                high[i],
                low[i],
                last[i],
                volume[i],
                quoteVolume[i],
                trades[i],
                lastTradeSeq[i]);
        emit(Kind.CANDLE, lastTradeSeq[i], sink);
    }

    /**
     * A candle's fields as CANDLE messages carry them, from {@code "interval"} to {@code "lastSeq"};
     * the book inspector prints a savepoint's open candles the same way.
     */
    public static void appendCandle(
            StringBuilder json,
            SymbolSpec s,
            long interval,
            long start,
            long open,
            long high,
            long low,
            long close,
            long volume,
            long quoteVolume,
            long trades,
            long lastSeq) {
        json.append("\"interval\":\"")
                .append(MarketDataOptions.intervalName(interval))
                .append('"');
        number(json, "start", start);
        number(json, "end", start + interval);
        price(json, s, "open", open);
        price(json, s, "high", high);
        price(json, s, "low", low);
        price(json, s, "close", close);
        qty(json, s, "volume", volume);
        quote(json, s, "quoteVolume", quoteVolume);
        number(json, "trades", trades);
        number(json, "lastSeq", lastSeq);
    }

    /** Keeps the state from before the command the first time the command changes it. */
    private void changing() {
        if (!changedInCommand) {
            changedInCommand = true;
            before = state();
        }
        dirty = true;
    }

    // ---- JSON ----

    private void head(Kind kind, long time) {
        json.setLength(0);
        json.append("{\"symbol\":");
        Json.string(json, symbol);
        json.append(",\"type\":\"").append(kind.name()).append('"');
        number(json, "time", time);
    }

    private static void number(StringBuilder json, String name, long value) {
        json.append(",\"").append(name).append("\":").append(value);
    }

    private static void text(StringBuilder json, String name, String value) {
        json.append(",\"").append(name).append("\":\"").append(value).append('"');
    }

    private static void price(StringBuilder json, SymbolSpec s, String name, long ticks) {
        json.append(",\"").append(name).append("\":\"");
        s.appendPrice(json, ticks);
        json.append('"');
    }

    private static void qty(StringBuilder json, SymbolSpec s, String name, long lots) {
        json.append(",\"").append(name).append("\":\"");
        s.appendQty(json, lots);
        json.append('"');
    }

    private static void quote(StringBuilder json, SymbolSpec s, String name, long units) {
        json.append(",\"").append(name).append("\":\"");
        s.appendNotional(json, units);
        json.append('"');
    }

    private void emit(Kind kind, long seq, Sink sink) {
        json.append('}');
        sink.marketData(new MarketData(kind, symbol, seq, EventJson.bytes(json)));
    }

    // ---- State ----

    /** Whether {@link #state()} changed since the last {@link #flushed()}. */
    public boolean isDirty() {
        return dirty;
    }

    public void flushed() {
        dirty = false;
    }

    public MarketDataState state() {
        List<OpenCandle> candles = new ArrayList<>(intervals.length);
        List<LatestInterval> latest = new ArrayList<>(intervals.length);
        for (int i = 0; i < intervals.length; i++) {
            if (start[i] != NONE) {
                latest.add(new LatestInterval(intervals[i], start[i]));
            }
            if (open[i]) {
                candles.add(new OpenCandle(
                        intervals[i],
                        start[i],
                        first[i],
                        high[i],
                        low[i],
                        last[i],
                        volume[i],
                        quoteVolume[i],
                        trades[i],
                        lastTradeSeq[i]));
            }
        }
        return new MarketDataState(lastDepthSeq, candles, latest);
    }

    /** The state as it was before the current command (for a roll back after the engine failed on it). */
    public MarketDataState stateBeforeCommand() {
        return changedInCommand ? before : state();
    }
}
