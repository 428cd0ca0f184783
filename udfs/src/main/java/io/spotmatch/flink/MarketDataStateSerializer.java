package io.spotmatch.flink;

import io.spotmatch.marketdata.MarketDataState;
import io.spotmatch.marketdata.MarketDataState.LatestInterval;
import io.spotmatch.marketdata.MarketDataState.OpenCandle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A symbol's market-data state in keyed state ("market-data"), part of the savepoint format; a
 * version byte first, so the serializer snapshot stays the same and every version restores.
 * v1: version byte, lastDepthSeq, candle count, then per candle interval, start, open, high, low,
 * close, volume, quoteVolume, trades, lastSeq (all longs). v2: v1, then the count of latest
 * intervals and per latest interval its candle interval and start (longs). A v1 state reads with
 * the latest intervals of its open candles.
 */
public final class MarketDataStateSerializer extends ImmutableSerializer<MarketDataState> {
    public static final MarketDataStateSerializer INSTANCE = new MarketDataStateSerializer();
    static final int VERSION = 2;

    @Override
    public void serialize(MarketDataState s, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(s.lastDepthSeq());
        out.writeInt(s.candles().size());
        for (OpenCandle c : s.candles()) {
            out.writeLong(c.interval());
            out.writeLong(c.start());
            out.writeLong(c.open());
            out.writeLong(c.high());
            out.writeLong(c.low());
            out.writeLong(c.close());
            out.writeLong(c.volume());
            out.writeLong(c.quoteVolume());
            out.writeLong(c.trades());
            out.writeLong(c.lastSeq());
        }
        out.writeInt(s.latest().size());
        for (LatestInterval l : s.latest()) {
            out.writeLong(l.interval());
            out.writeLong(l.start());
        }
    }

    @Override
    public MarketDataState deserialize(DataInputView in) throws IOException {
        int version = Codec.readVersion(in, VERSION, "MarketDataState");
        long lastDepthSeq = in.readLong();
        int n = in.readInt();
        List<OpenCandle> candles = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            candles.add(new OpenCandle(
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong()));
        }
        if (version == 1) {
            return new MarketDataState(lastDepthSeq, candles);
        }
        int m = in.readInt();
        List<LatestInterval> latest = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            latest.add(new LatestInterval(in.readLong(), in.readLong()));
        }
        return new MarketDataState(lastDepthSeq, candles, latest);
    }

    @Override
    public TypeSerializerSnapshot<MarketDataState> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<MarketDataState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
