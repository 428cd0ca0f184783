package io.spotmatch.flink;

import io.spotmatch.book.Command;
import io.spotmatch.book.CommandType;
import io.spotmatch.book.Decimal;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
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
 * @param adminPartition for a relayed admin command, the admin-topic partition it was relayed from; else -1
 * @param adminOffset for a relayed admin command, the admin-topic offset it was relayed from; else -1
 */
public record SymbolCommand(
        String symbol,
        Command command,
        long timestamp,
        int partition,
        long offset,
        int adminPartition,
        long adminOffset) {

    public SymbolCommand(String symbol, Command command, long timestamp, int partition) {
        this(symbol, command, timestamp, partition, -1);
    }

    /** A command that was not relayed from the admin topic. */
    public SymbolCommand(String symbol, Command command, long timestamp, int partition, long offset) {
        this(symbol, command, timestamp, partition, offset, -1, -1L);
    }

    /** A relayed admin command whose orders-topic offset does not matter. */
    public SymbolCommand(
            String symbol, Command command, long timestamp, int partition, int adminPartition, long adminOffset) {
        this(symbol, command, timestamp, partition, -1, adminPartition, adminOffset);
    }

    public static final TypeInformation<SymbolCommand> TYPE =
            new SerializerTypeInfo<>(SymbolCommand.class, Serializer.INSTANCE);

    /**
     * Compact binary form; not kept in state, so it carries no format version. A symbol update uses
     * the current state layout of {@link BookHeader.Serializer}: both ends run the same build.
     */
    public static final class Serializer extends ImmutableSerializer<SymbolCommand> {
        public static final Serializer INSTANCE = new Serializer();

        private static final CommandType[] TYPES = CommandType.values();

        @Override
        public void serialize(SymbolCommand r, DataOutputView out) throws IOException {
            out.writeUTF(r.symbol);
            out.writeLong(r.timestamp);
            out.writeInt(r.partition);
            out.writeLong(r.offset);
            out.writeInt(r.adminPartition);
            out.writeLong(r.adminOffset);
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
            Codec.writeString(out, c.clientOrderId());
            out.writeLong(c.expireTime());
            Codec.writeDecimal(out, c.stopPrice());
            Codec.writeDecimal(out, c.stopLimitPrice());
            Codec.writeDecimal(out, c.icebergQuantity());
            SymbolUpdate u = c.symbol();
            out.writeBoolean(u != null);
            if (u != null) {
                BookHeader.Serializer.writeSpec(out, u);
                Codec.writeDecimal(out, u.maxNotional());
                Codec.writeDecimal(out, u.marketMaxQty());
                Codec.writeDecimal(out, u.maxOpenOrders());
                Codec.writeDecimal(out, u.priceBandBps());
            }
        }

        @Override
        public SymbolCommand deserialize(DataInputView in) throws IOException {
            String symbol = in.readUTF();
            long timestamp = in.readLong();
            int partition = in.readInt();
            long offset = in.readLong();
            int adminPartition = in.readInt();
            long adminOffset = in.readLong();
            CommandType type = Codec.readEnum(in, TYPES);
            long orderId = in.readLong();
            long userId = in.readLong();
            Side side = Codec.readEnum(in, Codec.SIDES);
            OrderType orderType = Codec.readEnum(in, Codec.ORDER_TYPES);
            TimeInForce tif = Codec.readEnum(in, Codec.TIME_IN_FORCES);
            Decimal price = Codec.readDecimal(in);
            Decimal quantity = Codec.readDecimal(in);
            Decimal quote = Codec.readDecimal(in);
            StpMode stp = Codec.readEnum(in, Codec.STP_MODES);
            String clientOrderId = Codec.readString(in);
            long expireTime = in.readLong();
            Decimal stopPrice = Codec.readDecimal(in);
            Decimal stopLimitPrice = Codec.readDecimal(in);
            Decimal icebergQuantity = Codec.readDecimal(in);
            Command c = new Command(
                    type,
                    orderId,
                    userId,
                    side,
                    orderType,
                    tif,
                    price,
                    quantity,
                    quote,
                    stp,
                    in.readBoolean() ? readUpdate(in) : null,
                    clientOrderId,
                    expireTime,
                    stopPrice,
                    stopLimitPrice,
                    icebergQuantity);
            return new SymbolCommand(symbol, c, timestamp, partition, offset, adminPartition, adminOffset);
        }

        private static SymbolUpdate readUpdate(DataInputView in) throws IOException {
            return BookHeader.Serializer.readSpec(in)
                    .withLimits(
                            Codec.readDecimal(in), Codec.readDecimal(in), Codec.readDecimal(in), Codec.readDecimal(in));
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
