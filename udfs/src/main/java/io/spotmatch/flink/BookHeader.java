package io.spotmatch.flink;

import io.spotmatch.book.OrderBook;
import io.spotmatch.book.SymbolSpec;
import io.spotmatch.book.SymbolUpdate;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A symbol's keyed ValueState: its spec (null until listed) and counters. With the resting orders
 * in MapState it is the whole book.
 *
 * @param seq sequence number of the symbol's last event
 * @param lastTradeId the symbol's last trade id
 * @param lastOrderId the highest order id the symbol accepted
 * @param sourcePartition the Kafka partition the symbol's commands come from, -1 before the first
 * @param severalPartitions whether commands of this symbol have arrived from a second partition
 */
public record BookHeader(SymbolUpdate spec, long seq, long lastTradeId, long lastOrderId, int sourcePartition,
        boolean severalPartitions) {

    public static final TypeInformation<BookHeader> TYPE = new SerializerTypeInfo<>(BookHeader.class, Serializer.INSTANCE);

    public static BookHeader of(OrderBook book, int sourcePartition, boolean severalPartitions) {
        SymbolSpec spec = book.spec();
        return new BookHeader(spec == null ? null : spec.toUpdate(), book.seq(), book.lastTradeId(), book.lastOrderId(),
                sourcePartition, severalPartitions);
    }

    /** The spec as the book uses it. */
    public SymbolSpec symbolSpec() {
        if (spec == null) {
            return null;
        }
        SymbolSpec s = SymbolSpec.apply(null, spec);
        if (s == null) {
            throw new IllegalStateException("stored spec no longer valid: " + spec);
        }
        return s;
    }

    /** Format version byte first; see {@link RestingOrder.Serializer} for how to evolve it. */
    public static final class Serializer extends ImmutableSerializer<BookHeader> {
        public static final Serializer INSTANCE = new Serializer();
        static final int VERSION = 1;

        @Override
        public void serialize(BookHeader h, DataOutputView out) throws IOException {
            out.writeByte(VERSION);
            out.writeBoolean(h.spec != null);
            if (h.spec != null) {
                SymbolCommand.Serializer.writeUpdate(out, h.spec);
            }
            out.writeLong(h.seq);
            out.writeLong(h.lastTradeId);
            out.writeLong(h.lastOrderId);
            out.writeInt(h.sourcePartition);
            out.writeBoolean(h.severalPartitions);
        }

        @Override
        public BookHeader deserialize(DataInputView in) throws IOException {
            Codec.readVersion(in, VERSION, "BookHeader");
            SymbolUpdate spec = in.readBoolean() ? SymbolCommand.Serializer.readUpdate(in) : null;
            return new BookHeader(spec, in.readLong(), in.readLong(), in.readLong(), in.readInt(), in.readBoolean());
        }

        @Override
        public TypeSerializerSnapshot<BookHeader> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<BookHeader> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
