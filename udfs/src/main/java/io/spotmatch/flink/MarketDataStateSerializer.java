package io.spotmatch.flink;

import io.spotmatch.marketdata.MarketDataState;
import io.spotmatch.marketdata.MarketDataState.OpenCandle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A symbol's market-data state in keyed state ("market-data"), part of the savepoint format.
 * v1: version byte, lastDepthSeq, candle count, then per candle interval, start, open, high, low,
 * close, volume, quoteVolume, trades, lastSeq (all longs).
 */
public final class MarketDataStateSerializer extends ImmutableSerializer<MarketDataState> {
    public static final MarketDataStateSerializer INSTANCE = new MarketDataStateSerializer();
    static final int VERSION = 1;

    @Override
    public void serialize(MarketDataState s, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(s.lastDepthSeq());
        out.writeInt(s.candles().size());
        for (OpenCandle c : s.candles()) {
            for (long v : new long[] {
                c.interval(),
                c.start(),
                c.open(),
                c.high(),
                c.low(),
                c.close(),
                c.volume(),
                c.quoteVolume(),
                c.trades(),
                c.lastSeq()
            }) {
                out.writeLong(v);
            }
        }
    }

    @Override
    public MarketDataState deserialize(DataInputView in) throws IOException {
        Codec.readVersion(in, VERSION, "MarketDataState");
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
        return new MarketDataState(lastDepthSeq, candles);
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
