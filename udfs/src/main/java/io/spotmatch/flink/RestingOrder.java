package io.spotmatch.flink;

import io.spotmatch.book.Order;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.TimeInForce;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One resting order in keyed state (MapState entry, key = order id): everything the book needs to
 * put it back in the same place with the same future. Units are the symbol's ticks, lots and
 * notional units.
 *
 * @param clientOrderId the owner's id for the order, or null
 * @param expireTime a GTD order's expiry time (epoch ms), 0 for every other order
 * @param stopPrice a stop order's stop price in ticks (its type says whether it still waits), else 0
 * @param ocoOrderId the order id of the other leg of the order's OCO while both are open, else 0
 * @param displayQuantity an iceberg's display quantity in lots, else 0
 * @param visibleQuantity a resting iceberg's lots left in its visible slice, else 0 (the slice is part of the
 *     book's future: the next refresh happens when it is filled)
 */
public record RestingOrder(
        long orderId,
        long userId,
        Side side,
        OrderType type,
        TimeInForce timeInForce,
        StpMode stp,
        long price,
        long quantity,
        long filled,
        long filledQuote,
        long fees,
        long feeRemainder,
        long priority,
        String clientOrderId,
        long expireTime,
        long stopPrice,
        long ocoOrderId,
        long displayQuantity,
        long visibleQuantity) {

    /** An order that is no iceberg. */
    public RestingOrder(
            long orderId,
            long userId,
            Side side,
            OrderType type,
            TimeInForce timeInForce,
            StpMode stp,
            long price,
            long quantity,
            long filled,
            long filledQuote,
            long fees,
            long feeRemainder,
            long priority,
            String clientOrderId,
            long expireTime,
            long stopPrice,
            long ocoOrderId) {
        this(
                orderId,
                userId,
                side,
                type,
                timeInForce,
                stp,
                price,
                quantity,
                filled,
                filledQuote,
                fees,
                feeRemainder,
                priority,
                clientOrderId,
                expireTime,
                stopPrice,
                ocoOrderId,
                0,
                0);
    }

    /** An order that is no OCO leg and no iceberg (every v1 and v2 value). */
    public RestingOrder(
            long orderId,
            long userId,
            Side side,
            OrderType type,
            TimeInForce timeInForce,
            StpMode stp,
            long price,
            long quantity,
            long filled,
            long filledQuote,
            long fees,
            long feeRemainder,
            long priority,
            String clientOrderId,
            long expireTime,
            long stopPrice) {
        this(
                orderId,
                userId,
                side,
                type,
                timeInForce,
                stp,
                price,
                quantity,
                filled,
                filledQuote,
                fees,
                feeRemainder,
                priority,
                clientOrderId,
                expireTime,
                stopPrice,
                0);
    }

    /** An order without a client order id (every v1 value). */
    public RestingOrder(
            long orderId,
            long userId,
            Side side,
            OrderType type,
            TimeInForce timeInForce,
            StpMode stp,
            long price,
            long quantity,
            long filled,
            long filledQuote,
            long fees,
            long feeRemainder,
            long priority) {
        this(
                orderId,
                userId,
                side,
                type,
                timeInForce,
                stp,
                price,
                quantity,
                filled,
                filledQuote,
                fees,
                feeRemainder,
                priority,
                null,
                0,
                0);
    }

    public static RestingOrder of(Order o) {
        return new RestingOrder(
                o.orderId(),
                o.userId(),
                o.side(),
                o.type(),
                o.timeInForce(),
                o.stp(),
                o.price(),
                o.quantity(),
                o.filled(),
                o.filledQuote(),
                o.fees(),
                o.feeRemainder(),
                o.priority(),
                o.clientOrderId(),
                o.expireTime(),
                o.stopPrice(),
                o.ocoOrderId(),
                o.displayQuantity(),
                o.visibleQuantity());
    }

    public Order toOrder() {
        return Order.resting(
                        orderId,
                        userId,
                        side,
                        type,
                        timeInForce,
                        stp,
                        price,
                        quantity,
                        filled,
                        filledQuote,
                        fees,
                        feeRemainder,
                        priority,
                        clientOrderId,
                        expireTime)
                .withStopPrice(stopPrice)
                .withOcoOrderId(ocoOrderId)
                .withIceberg(displayQuantity, visibleQuantity);
    }

    /**
     * Every value starts with a format version byte. To change the layout: add the field, bump
     * {@link #VERSION}, write the new layout, and keep reading every older version. Never reuse or
     * reorder a version: savepoints in production hold them.
     * v1: orderId ... priority. v2: v1 then the client order id, the expiry time and the stop price
     * (v1 reads as none, 0 and 0). v3: v2 then the other OCO leg's order id, an iceberg's display
     * quantity and visible slice (v1 and v2 read as 0: no OCO leg, no iceberg).
     */
    public static final class Serializer extends ImmutableSerializer<RestingOrder> {
        public static final Serializer INSTANCE = new Serializer();
        static final int VERSION = 3;

        @Override
        public void serialize(RestingOrder o, DataOutputView out) throws IOException {
            out.writeByte(VERSION);
            out.writeLong(o.orderId);
            out.writeLong(o.userId);
            Codec.writeEnum(out, o.side);
            Codec.writeEnum(out, o.type);
            Codec.writeEnum(out, o.timeInForce);
            Codec.writeEnum(out, o.stp);
            out.writeLong(o.price);
            out.writeLong(o.quantity);
            out.writeLong(o.filled);
            out.writeLong(o.filledQuote);
            out.writeLong(o.fees);
            out.writeLong(o.feeRemainder);
            out.writeLong(o.priority);
            Codec.writeString(out, o.clientOrderId);
            out.writeLong(o.expireTime);
            out.writeLong(o.stopPrice);
            out.writeLong(o.ocoOrderId);
            out.writeLong(o.displayQuantity);
            out.writeLong(o.visibleQuantity);
        }

        @Override
        public RestingOrder deserialize(DataInputView in) throws IOException {
            int version = Codec.readVersion(in, VERSION, "RestingOrder");
            // Arguments are evaluated left to right: the reads follow the layout.
            return new RestingOrder(
                    in.readLong(),
                    in.readLong(),
                    Codec.readEnum(in, Codec.SIDES),
                    Codec.readEnum(in, Codec.ORDER_TYPES),
                    Codec.readEnum(in, Codec.TIME_IN_FORCES),
                    Codec.readEnum(in, Codec.STP_MODES),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    version >= 2 ? Codec.readString(in) : null,
                    version >= 2 ? in.readLong() : 0,
                    version >= 2 ? in.readLong() : 0,
                    version >= 3 ? in.readLong() : 0,
                    version >= 3 ? in.readLong() : 0,
                    version >= 3 ? in.readLong() : 0);
        }

        @Override
        public TypeSerializerSnapshot<RestingOrder> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RestingOrder> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
