package io.spotmatch.marketdata;

import java.io.Serializable;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which market-data streams a job publishes and how: snapshots every {@code snapshotEvery} sequence
 * numbers with at most {@code snapshotLevels} levels a side (0: all), candles of each interval in
 * {@code candleIntervals} (milliseconds, each dividing a day).
 */
public record MarketDataOptions(
        Set<MarketData.Kind> streams, long snapshotEvery, int snapshotLevels, long[] candleIntervals)
        implements Serializable {

    public static final long DAY = 86_400_000L;

    public MarketDataOptions {
        streams = streams.isEmpty() ? EnumSet.noneOf(MarketData.Kind.class) : EnumSet.copyOf(streams);
        candleIntervals = candleIntervals.clone();
        Arrays.sort(candleIntervals);
        if (snapshotEvery < 1) {
            throw new IllegalArgumentException("snapshots every " + snapshotEvery + " sequence numbers");
        }
        if (snapshotLevels < 0) {
            throw new IllegalArgumentException("snapshot levels " + snapshotLevels);
        }
        for (long i : candleIntervals) {
            if (i <= 0 || DAY % i != 0) {
                throw new IllegalArgumentException("candle interval " + i + " ms does not divide a day");
            }
        }
    }

    /** What a venue publishes: every stream, full snapshots every 1000 sequence numbers, 1 minute candles. */
    public static MarketDataOptions defaults() {
        return new MarketDataOptions(EnumSet.allOf(MarketData.Kind.class), 1000, 0, new long[] {60_000});
    }

    public static MarketDataOptions off() {
        return new MarketDataOptions(EnumSet.noneOf(MarketData.Kind.class), 1000, 0, new long[0]);
    }

    public boolean on(MarketData.Kind kind) {
        return streams.contains(kind);
    }

    public boolean any() {
        return !streams.isEmpty();
    }

    /** Candles are on and have at least one interval. */
    public boolean candles() {
        return on(MarketData.Kind.CANDLE) && candleIntervals.length > 0;
    }

    /** Parses an interval such as 1m, 15m, 4h, 1d, 30s. */
    public static long parseInterval(String text) {
        String t = text.trim();
        if (t.length() < 2) {
            throw new IllegalArgumentException("'" + text + "' is not an interval such as 1m, 4h or 1d");
        }
        long unit = switch (t.charAt(t.length() - 1)) {
            case 's' -> 1000L;
            case 'm' -> 60_000L;
            case 'h' -> 3_600_000L;
            case 'd' -> DAY;
            default -> throw new IllegalArgumentException("'" + text + "' is not an interval such as 1m, 4h or 1d");
        };
        try {
            return Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - 1)), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not an interval such as 1m, 4h or 1d");
        }
    }

    /** The interval's name in candle JSON: 1m, 4h, 1d; seconds otherwise. */
    public static String intervalName(long millis) {
        if (millis % DAY == 0) {
            return millis / DAY + "d";
        }
        if (millis % 3_600_000L == 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0) {
            return millis / 60_000L + "m";
        }
        return millis / 1000 + "s";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MarketDataOptions m
                && streams.equals(m.streams)
                && snapshotEvery == m.snapshotEvery
                && snapshotLevels == m.snapshotLevels
                && Arrays.equals(candleIntervals, m.candleIntervals);
    }

    @Override
    public int hashCode() {
        return streams.hashCode() * 31 + Arrays.hashCode(candleIntervals);
    }
}
