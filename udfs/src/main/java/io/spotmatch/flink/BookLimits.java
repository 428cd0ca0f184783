package io.spotmatch.flink;

import io.spotmatch.book.Decimal;
import io.spotmatch.book.OrderBook;
import io.spotmatch.book.SymbolSpec;
import io.spotmatch.book.SymbolUpdate;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A symbol's keyed ValueState next to its {@link BookHeader}: the order limits of its spec and the
 * price band's reference (the last trade price). Its own state, not a new header version, so the
 * header's layout (and the savepoints that hold it) stays as it is; a symbol restored from a
 * savepoint without it has no limits and no last trade price until the next trade.
 *
 * @param maxNotional see {@link SymbolUpdate}; 0 for none, like the three after it
 * @param lastTradePrice the symbol's last trade price in ticks, 0 before the first
 */
public record BookLimits(
        Decimal maxNotional, Decimal marketMaxQty, Decimal maxOpenOrders, Decimal priceBandBps, long lastTradePrice) {

    /** What the book has now; null before its listing. */
    public static BookLimits of(OrderBook book) {
        return of(book.spec(), book.lastTradePrice());
    }

    public static BookLimits of(SymbolSpec s, long lastTradePrice) {
        if (s == null) {
            return null;
        }
        return new BookLimits(s.maxNotional(), s.marketMaxQty(), s.maxOpenOrders(), s.priceBandBps(), lastTradePrice);
    }

    /** The stored spec with these limits. */
    public SymbolUpdate applyTo(SymbolUpdate spec) {
        return spec.withLimits(maxNotional, marketMaxQty, maxOpenOrders, priceBandBps);
    }

    /**
     * Format version byte first; see {@link RestingOrder.Serializer} for how to evolve it.
     * v1: maxNotional, marketMaxQty, maxOpenOrders, priceBandBps, lastTradePrice.
     */
    public static final class Serializer extends ImmutableSerializer<BookLimits> {
        public static final Serializer INSTANCE = new Serializer();
        static final int VERSION = 1;

        @Override
        public void serialize(BookLimits l, DataOutputView out) throws IOException {
            out.writeByte(VERSION);
            Codec.writeDecimal(out, l.maxNotional);
            Codec.writeDecimal(out, l.marketMaxQty);
            Codec.writeDecimal(out, l.maxOpenOrders);
            Codec.writeDecimal(out, l.priceBandBps);
            out.writeLong(l.lastTradePrice);
        }

        @Override
        public BookLimits deserialize(DataInputView in) throws IOException {
            Codec.readVersion(in, VERSION, "BookLimits");
            return new BookLimits(
                    Codec.readDecimal(in),
                    Codec.readDecimal(in),
                    Codec.readDecimal(in),
                    Codec.readDecimal(in),
                    in.readLong());
        }

        @Override
        public TypeSerializerSnapshot<BookLimits> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<BookLimits> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
