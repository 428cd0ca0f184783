package io.spotmatch.flink;

import io.spotmatch.book.Command;
import io.spotmatch.book.CommandType;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A command on its way to its symbol's book: what crosses the network at keyBy.
 *
 * @param timestamp the Kafka record timestamp; event and trade times come from here, never from a clock
 * @param partition the Kafka partition it was read from; a symbol is bound to one
 * @param offset the Kafka offset it was read from (-1 if it came from elsewhere), for dead letters
 */
public record SymbolCommand(String symbol, Command command, long timestamp, int partition, long offset) {

    public SymbolCommand(String symbol, Command command, long timestamp, int partition) {
        this(symbol, command, timestamp, partition, -1);
    }

    public static final TypeInformation<SymbolCommand> TYPE =
            new SerializerTypeInfo<>(SymbolCommand.class, Serializer.INSTANCE);

    /** Compact binary form; not kept in state, so it carries no format version. */
    public static final class Serializer extends ImmutableSerializer<SymbolCommand> {
        public static final Serializer INSTANCE = new Serializer();

        private static final CommandType[] TYPES = CommandType.values();
        private static final SymbolStatus[] STATUSES = SymbolStatus.values();

        @Override
        public void serialize(SymbolCommand r, DataOutputView out) throws IOException {
            out.writeUTF(r.symbol);
            out.writeLong(r.timestamp);
            out.writeInt(r.partition);
            out.writeLong(r.offset);
            Command c = r.command;
            Codec.writeEnum(out, c.type());
            out.writeLong(c.orderId());
            out.writeLong(c.userId());
            Codec.writeEnum(out, c.side());
            Codec.writeEnum(out, c.orderType());
            Codec.writeEnum(out, c.timeInForce());
            Codec.writeDecimal(out, c.price());
            Codec.writeDecimal(out, c.quantity());
            Codec.writeDecimal(out, c.quoteQuantity());
            Codec.writeEnum(out, c.stp());
            SymbolUpdate u = c.symbol();
            out.writeBoolean(u != null);
            if (u != null) {
                writeUpdate(out, u);
            }
        }

        @Override
        public SymbolCommand deserialize(DataInputView in) throws IOException {
            String symbol = in.readUTF();
            long timestamp = in.readLong();
            int partition = in.readInt();
            long offset = in.readLong();
            Command c = new Command(Codec.readEnum(in, TYPES), in.readLong(), in.readLong(),
                    Codec.readEnum(in, Codec.SIDES), Codec.readEnum(in, Codec.ORDER_TYPES),
                    Codec.readEnum(in, Codec.TIME_IN_FORCES), Codec.readDecimal(in), Codec.readDecimal(in),
                    Codec.readDecimal(in), Codec.readEnum(in, Codec.STP_MODES), in.readBoolean() ? readUpdate(in) : null);
            return new SymbolCommand(symbol, c, timestamp, partition, offset);
        }

        static void writeUpdate(DataOutputView out, SymbolUpdate u) throws IOException {
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

        static SymbolUpdate readUpdate(DataInputView in) throws IOException {
            return new SymbolUpdate(Codec.readString(in), Codec.readString(in), Codec.readDecimal(in),
                    Codec.readDecimal(in), Codec.readDecimal(in), Codec.readDecimal(in), Codec.readDecimal(in),
                    Codec.readDecimal(in), Codec.readDecimal(in), Codec.readDecimal(in),
                    Codec.readEnum(in, STATUSES), Codec.readEnum(in, Codec.STP_MODES), in.readBoolean());
        }

        @Override
        public TypeSerializerSnapshot<SymbolCommand> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SymbolCommand> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
