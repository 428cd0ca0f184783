package io.spotmatch.flink;

import io.spotmatch.book.OrderBook;
import io.spotmatch.book.SymbolSpec;
import io.spotmatch.book.SymbolStatus;
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
 * @param adminPartition admin-topic partition of the last relayed admin command applied, -1 before the first
 * @param adminOffset admin-topic offset of the last relayed admin command applied, -1 before the first
 * @param ordersHeld whether the ledger holds the funds of every resting order: true once settlement has placed
 *     them (from the listing on, or by the migration holds of the first command with settlement on); false for
 *     books from before settlement (v1 and v2) and after a command processed with settlement off
 */
public record BookHeader(
        SymbolUpdate spec,
        long seq,
        long lastTradeId,
        long lastOrderId,
        int sourcePartition,
        boolean severalPartitions,
        int adminPartition,
        long adminOffset,
        boolean ordersHeld) {

    public static final TypeInformation<BookHeader> TYPE =
            new SerializerTypeInfo<>(BookHeader.class, Serializer.INSTANCE);

    /** A header with no admin command applied yet (what every v1 header reads as). */
    public BookHeader(
            SymbolUpdate spec,
            long seq,
            long lastTradeId,
            long lastOrderId,
            int sourcePartition,
            boolean severalPartitions) {
        this(spec, seq, lastTradeId, lastOrderId, sourcePartition, severalPartitions, -1, -1L);
    }

    /** A header whose resting orders are not held (what every v1 and v2 header reads as). */
    public BookHeader(
            SymbolUpdate spec,
            long seq,
            long lastTradeId,
            long lastOrderId,
            int sourcePartition,
            boolean severalPartitions,
            int adminPartition,
            long adminOffset) {
        this(
                spec,
                seq,
                lastTradeId,
                lastOrderId,
                sourcePartition,
                severalPartitions,
                adminPartition,
                adminOffset,
                false);
    }

    public static BookHeader of(
            OrderBook book,
            int sourcePartition,
            boolean severalPartitions,
            int adminPartition,
            long adminOffset,
            boolean ordersHeld) {
        SymbolSpec spec = book.spec();
        return new BookHeader(
                headerSpec(spec),
                book.seq(),
                book.lastTradeId(),
                book.lastOrderId(),
                sourcePartition,
                severalPartitions,
                adminPartition,
                adminOffset,
                ordersHeld);
    }

    /** The part of a spec the header stores: the order limits are in {@link BookLimits}. */
    static SymbolUpdate headerSpec(SymbolSpec spec) {
        return spec == null ? null : spec.toUpdate().withLimits(null, null, null, null);
    }

    /** The spec as the book uses it, without its order limits (see {@link BookLimits}). */
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

    /**
     * Format version byte first; see {@link RestingOrder.Serializer} for how to evolve it. The spec's
     * layout lives here too, so no savepoint depends on the network codec between operators.
     * v1: spec, seq, lastTradeId, lastOrderId, sourcePartition, severalPartitions.
     * v2: v1 then adminPartition, adminOffset.
     * v3: v2 then ordersHeld.
     */
    public static final class Serializer extends ImmutableSerializer<BookHeader> {
        public static final Serializer INSTANCE = new Serializer();
        static final int VERSION = 3;

        private static final SymbolStatus[] STATUSES = SymbolStatus.values();

        @Override
        public void serialize(BookHeader h, DataOutputView out) throws IOException {
            out.writeByte(VERSION);
            out.writeBoolean(h.spec != null);
            if (h.spec != null) {
                writeSpec(out, h.spec);
            }
            out.writeLong(h.seq);
            out.writeLong(h.lastTradeId);
            out.writeLong(h.lastOrderId);
            out.writeInt(h.sourcePartition);
            out.writeBoolean(h.severalPartitions);
            out.writeInt(h.adminPartition);
            out.writeLong(h.adminOffset);
            out.writeBoolean(h.ordersHeld);
        }

        @Override
        public BookHeader deserialize(DataInputView in) throws IOException {
            int version = Codec.readVersion(in, VERSION, "BookHeader");
            SymbolUpdate spec = in.readBoolean() ? readSpec(in) : null;
            long seq = in.readLong();
            long lastTradeId = in.readLong();
            long lastOrderId = in.readLong();
            int sourcePartition = in.readInt();
            boolean severalPartitions = in.readBoolean();
            if (version == 1) {
                return new BookHeader(spec, seq, lastTradeId, lastOrderId, sourcePartition, severalPartitions);
            }
            int adminPartition = in.readInt();
            long adminOffset = in.readLong();
            // Books from before settlement: their resting orders were never held.
            boolean ordersHeld = version >= 3 && in.readBoolean();
            return new BookHeader(
                    spec,
                    seq,
                    lastTradeId,
                    lastOrderId,
                    sourcePartition,
                    severalPartitions,
                    adminPartition,
                    adminOffset,
                    ordersHeld);
        }

        /** The spec's layout, the same in every version. */
        static void writeSpec(DataOutputView out, SymbolUpdate u) throws IOException {
            Codec.writeString(out, u.baseAsset());
            Codec.writeString(out, u.quoteAsset());
            Codec.writeDecimal(out, u.tickSize());
            Codec.writeDecimal(out, u.stepSize());
            Codec.writeDecimal(out, u.minQty());
            Codec.writeDecimal(out, u.minNotional());
            Codec.writeDecimal(out, u.maxPrice());
            Codec.writeDecimal(out, u.maxQty());
            Codec.writeDecimal(out, u.makerFeeRate());
            Codec.writeDecimal(out, u.takerFeeRate());
            Codec.writeEnum(out, u.status());
            Codec.writeEnum(out, u.defaultStp());
            out.writeBoolean(u.cancelOpenOrders());
        }

        static SymbolUpdate readSpec(DataInputView in) throws IOException {
            return new SymbolUpdate(
                    Codec.readString(in),
                    Codec.readString(in),
                    Codec.readDecimal(in),
                    Codec.readDecimal(in),
                    Codec.readDecimal(in),
                    Codec.readDecimal(in),
                    Codec.readDecimal(in),
                    Codec.readDecimal(in),
                    Codec.readDecimal(in),
                    Codec.readDecimal(in),
                    Codec.readEnum(in, STATUSES),
                    Codec.readEnum(in, Codec.STP_MODES),
                    in.readBoolean());
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
