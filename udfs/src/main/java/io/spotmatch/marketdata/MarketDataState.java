package io.spotmatch.marketdata;

import java.util.List;

/**
 * What a symbol's market data must carry across a restore so a restored job publishes what an
 * uninterrupted one would: the last seq a depth update covered (the next update's {@code prevSeq})
 * and the open candle of each interval. Prices in ticks, volumes in lots and notional units.
 */
public record MarketDataState(long lastDepthSeq, List<OpenCandle> candles) {

    public MarketDataState {
        candles = List.copyOf(candles);
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
}
