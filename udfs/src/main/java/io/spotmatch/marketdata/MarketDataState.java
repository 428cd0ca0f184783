package io.spotmatch.marketdata;

import java.util.List;

/**
 * What a symbol's market data must carry across a restore so a restored job publishes what an
 * uninterrupted one would: the last seq a depth update covered (the next update's {@code prevSeq}),
 * the open candle of each interval, and the latest interval each candle interval has reached (a
 * command stamped earlier counts in it, so an interval that closed never gets a second candle).
 * Prices in ticks, volumes in lots and notional units.
 */
public record MarketDataState(long lastDepthSeq, List<OpenCandle> candles, List<LatestInterval> latest) {

    public MarketDataState {
        candles = List.copyOf(candles);
        latest = List.copyOf(latest);
    }

    /**
     * A state without its latest intervals (the format before they were stored): an open candle's
     * interval is the latest one of its candle interval; a candle interval without an open candle
     * has none until the next command.
     */
    public MarketDataState(long lastDepthSeq, List<OpenCandle> candles) {
        this(
                lastDepthSeq,
                candles,
                candles.stream()
                        .map(c -> new LatestInterval(c.interval(), c.start()))
                        .toList());
    }

    /** An interval's candle that has trades and is not closed yet. */
    public record OpenCandle(
            long interval,
            long start,
            long open,
            long high,
            long low,
            long close,
            long volume,
            long quoteVolume,
            long trades,
            long lastSeq) {}

    /** The start of the latest {@code interval}-long interval a command of the symbol fell in. */
    public record LatestInterval(long interval, long start) {}
}
