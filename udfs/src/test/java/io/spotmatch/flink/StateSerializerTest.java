package io.spotmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.book.Command;
import io.spotmatch.book.Decimal;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.marketdata.MarketDataState;
import io.spotmatch.marketdata.MarketDataState.LatestInterval;
import io.spotmatch.marketdata.MarketDataState.OpenCandle;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Every type in state or on the wire between operators survives its serializer, and state formats are guarded. */
class StateSerializerTest {

    static final SymbolUpdate SPEC = new SymbolUpdate(
            "BTC",
            "USDT",
            Decimal.parse("0.01"),
            Decimal.parse("0.001"),
            Decimal.parse("0.002"),
            Decimal.parse("5"),
            Decimal.parse("1000000"),
            Decimal.parse("1000"),
            Decimal.parse("0.001"),
            Decimal.parse("0.002"),
            SymbolStatus.CANCEL_ONLY,
            StpMode.EXPIRE_BOTH,
            false);

    static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        assertThat(serializer.copy(value)).isEqualTo(value);
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        T back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
        return back;
    }

    @Test
    void restingOrdersRoundTrip() throws IOException {
        RestingOrder o = new RestingOrder(
                Long.MAX_VALUE,
                7,
                Side.SELL,
                OrderType.LIMIT_MAKER,
                TimeInForce.GTC,
                StpMode.EXPIRE_MAKER,
                6_500_010,
                1_000,
                250,
                1_625_002_500L,
                3_250_005,
                99_999_999,
                42);
        assertThat(roundTrip(RestingOrder.Serializer.INSTANCE, o)).isEqualTo(o);
        RestingOrder withClientId = new RestingOrder(
                1,
                7,
                Side.BUY,
                OrderType.LIMIT,
                TimeInForce.GTD,
                StpMode.DECREMENT,
                1,
                2,
                0,
                0,
                0,
                0,
                3,
                "Gw-1:a/b",
                1_800_000_000_000L,
                0);
        assertThat(roundTrip(RestingOrder.Serializer.INSTANCE, withClientId)).isEqualTo(withClientId);
        RestingOrder stop = new RestingOrder(
                2,
                7,
                Side.SELL,
                OrderType.STOP_LOSS_LIMIT,
                TimeInForce.GTC,
                StpMode.NONE,
                9_900,
                5,
                0,
                0,
                0,
                0,
                4,
                null,
                0,
                9_950);
        assertThat(roundTrip(RestingOrder.Serializer.INSTANCE, stop)).isEqualTo(stop);
        assertThat(stop.toOrder().stopPrice()).isEqualTo(9_950);
        RestingOrder iceberg = new RestingOrder(
                3,
                7,
                Side.BUY,
                OrderType.LIMIT,
                TimeInForce.GTC,
                StpMode.NONE,
                9_900,
                1_000,
                250,
                0,
                0,
                0,
                5,
                null,
                0,
                0,
                0,
                300,
                50);
        assertThat(roundTrip(RestingOrder.Serializer.INSTANCE, iceberg)).isEqualTo(iceberg);
        assertThat(iceberg.toOrder().displayQuantity()).isEqualTo(300);
        assertThat(iceberg.toOrder().visibleQuantity()).isEqualTo(50);
        assertThat(RestingOrder.of(iceberg.toOrder())).isEqualTo(iceberg);
    }

    @Test
    void aRestingOrderOfFormatV1ReadsAsOneWithoutAClientOrderId() throws IOException {
        DataOutputSerializer v1 = new DataOutputSerializer(128);
        v1.writeByte(1);
        v1.writeLong(42); // orderId
        v1.writeLong(7); // userId
        v1.writeByte(Side.SELL.ordinal());
        v1.writeByte(OrderType.LIMIT.ordinal());
        v1.writeByte(TimeInForce.GTC.ordinal());
        v1.writeByte(StpMode.NONE.ordinal());
        for (long v : new long[] {6_500_010, 1_000, 250, 1_625_002_500L, 3_250_005, 99, 17}) {
            v1.writeLong(v);
        }
        assertThat(RestingOrder.Serializer.INSTANCE.deserialize(new DataInputDeserializer(v1.getCopyOfBuffer())))
                .isEqualTo(new RestingOrder(
                        42,
                        7,
                        Side.SELL,
                        OrderType.LIMIT,
                        TimeInForce.GTC,
                        StpMode.NONE,
                        6_500_010,
                        1_000,
                        250,
                        1_625_002_500L,
                        3_250_005,
                        99,
                        17,
                        null,
                        0,
                        0));
    }

    /**
     * The v2 and v3 layouts byte for byte: v2 (in savepoints) reads as no OCO leg and no iceberg; v3
     * adds the other leg's id, the display quantity and the visible slice.
     */
    @Test
    void restingOrderFormatsV2AndV3AreExactlyTheseBytes() throws IOException {
        for (int version : new int[] {2, 3}) {
            DataOutputSerializer bytes = new DataOutputSerializer(160);
            bytes.writeByte(version);
            bytes.writeLong(5); // orderId
            bytes.writeLong(7); // userId
            bytes.writeByte(Side.SELL.ordinal());
            bytes.writeByte(OrderType.STOP_LOSS.ordinal());
            bytes.writeByte(TimeInForce.IOC.ordinal());
            bytes.writeByte(StpMode.NONE.ordinal());
            for (long v : new long[] {0, 1_000, 0, 0, 0, 0, 17}) {
                bytes.writeLong(v);
            }
            bytes.writeBoolean(true); // a client order id
            bytes.writeUTF("exit-1");
            bytes.writeLong(0); // expireTime
            bytes.writeLong(9_500); // stopPrice
            if (version == 3) {
                bytes.writeLong(4); // the other OCO leg
                bytes.writeLong(300); // display quantity (lots)
                bytes.writeLong(120); // visible slice (lots)
            }
            RestingOrder expected = new RestingOrder(
                    5,
                    7,
                    Side.SELL,
                    OrderType.STOP_LOSS,
                    TimeInForce.IOC,
                    StpMode.NONE,
                    0,
                    1_000,
                    0,
                    0,
                    0,
                    0,
                    17,
                    "exit-1",
                    0,
                    9_500,
                    version == 3 ? 4 : 0,
                    version == 3 ? 300 : 0,
                    version == 3 ? 120 : 0);
            assertThat(RestingOrder.Serializer.INSTANCE.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer())))
                    .isEqualTo(expected);
            if (version == 3) {
                DataOutputSerializer written = new DataOutputSerializer(160);
                RestingOrder.Serializer.INSTANCE.serialize(expected, written);
                assertThat(written.getCopyOfBuffer()).isEqualTo(bytes.getCopyOfBuffer());
                assertThat(expected.toOrder().ocoOrderId()).isEqualTo(4);
                assertThat(expected.toOrder().visibleQuantity()).isEqualTo(120);
            }
        }
    }

    @Test
    void recentClientOrderIdsRoundTrip() throws IOException {
        RecentClientOrderIds ids = new RecentClientOrderIds(
                List.of(new io.spotmatch.book.ClientOrderId(7, "a-1"), new io.spotmatch.book.ClientOrderId(8, "a-1")));
        assertThat(roundTrip(RecentClientOrderIds.Serializer.INSTANCE, ids)).isEqualTo(ids);
    }

    @Test
    void bookHeadersRoundTrip() throws IOException {
        for (BookHeader h : List.of(
                new BookHeader(SPEC, 1234, 56, 789, 3, true),
                new BookHeader(null, 2, 0, 0, -1, false),
                new BookHeader(SymbolUpdate.status(SymbolStatus.HALTED), 1, 0, 0, 0, false),
                new BookHeader(SPEC, 9, 1, 2, 0, false, 3, 1L << 40),
                new BookHeader(SPEC, 9, 1, 2, 0, false, 3, 1L << 40, true))) {
            assertThat(roundTrip(BookHeader.Serializer.INSTANCE, h)).isEqualTo(h);
        }
    }

    @Test
    void commandsRoundTrip() throws IOException {
        for (Command c : List.of(
                Command.limit(1, 2, Side.BUY, "65000.10", "0.125", TimeInForce.IOC),
                Command.marketQuote(3, 2, Side.BUY, "500").withStp(StpMode.EXPIRE_TAKER),
                Command.amend(4, 2, null, "1.5"),
                Command.cancel(5, 2),
                Command.cancelAll(2),
                Command.symbol(SPEC),
                Command.symbol(SPEC.withLimits(
                        Decimal.parse("100000"), Decimal.parse("2.5"), Decimal.parse("200"), Decimal.parse("150"))),
                Command.oco(10, 2, Side.SELL, "105", "95", "94.5", "1"),
                Command.limit(11, 2, Side.SELL, "101", "2.5", null).withIcebergQuantity("0.25"),
                new Command(io.spotmatch.book.CommandType.NEW, 9, 9, null, null, null, null, null, null, null, null))) {
            SymbolCommand sc = new SymbolCommand("BTC-USDT", c, 1_767_225_600_000L, 3);
            assertThat(roundTrip(SymbolCommand.Serializer.INSTANCE, sc)).isEqualTo(sc);
            SymbolCommand relayed = new SymbolCommand("BTC-USDT", c, 1_767_225_600_000L, 3, 2, 77);
            assertThat(roundTrip(SymbolCommand.Serializer.INSTANCE, relayed)).isEqualTo(relayed);
        }
    }

    /**
     * The exact bytes of each BookHeader format version, so a layout cannot change by accident:
     * savepoints in production hold these. v1 was written by builds before the admin relay.
     */
    static final String HEADER_V1 =
            "010101000342544301000455534454020000000000000001030000000000000001030000000000000002000000000000"
                    + "0000050000000000000f42400000000000000003e8030000000000000001030000000000000002010300000000000000"
                    + "04d2000000000000003800000000000003150000000301";

    static final String HEADER_V2 =
            "020101000342544301000455534454020000000000000001030000000000000001030000000000000002000000000000"
                    + "0000050000000000000f42400000000000000003e8030000000000000001030000000000000002010300000000000000"
                    + "04d200000000000000380000000000000315000000030100000002000000000000004d";

    static final String HEADER_V3 =
            "030101000342544301000455534454020000000000000001030000000000000001030000000000000002000000000000"
                    + "0000050000000000000f42400000000000000003e8030000000000000001030000000000000002010300000000000000"
                    + "04d200000000000000380000000000000315000000030100000002000000000000004d01";

    @Test
    void bookHeaderBytesOfEveryVersionAreFixedAndOlderVersionsReadWithTheirDefaults() throws IOException {
        BookHeader v1 = new BookHeader(SPEC, 1234, 56, 789, 3, true);
        assertThat(BookHeader.Serializer.INSTANCE.deserialize(new DataInputDeserializer(hex(HEADER_V1))))
                .isEqualTo(v1);
        assertThat(v1.adminPartition()).isEqualTo(-1);
        assertThat(v1.adminOffset()).isEqualTo(-1);
        assertThat(v1.ordersHeld()).isFalse();
        // v2 (written by builds before BookHeader v3) reads as: resting orders not held.
        BookHeader v2 = new BookHeader(SPEC, 1234, 56, 789, 3, true, 2, 77);
        assertThat(BookHeader.Serializer.INSTANCE.deserialize(new DataInputDeserializer(hex(HEADER_V2))))
                .isEqualTo(v2);
        assertThat(v2.ordersHeld()).isFalse();
        BookHeader v3 = new BookHeader(SPEC, 1234, 56, 789, 3, true, 2, 77, true);
        DataOutputSerializer out = new DataOutputSerializer(64);
        BookHeader.Serializer.INSTANCE.serialize(v3, out);
        assertThat(java.util.HexFormat.of().formatHex(out.getCopyOfBuffer())).isEqualTo(HEADER_V3);
        assertThat(BookHeader.Serializer.INSTANCE.deserialize(new DataInputDeserializer(hex(HEADER_V3))))
                .isEqualTo(v3);
    }

    /**
     * The exact bytes of each MarketDataState format version. v1 was written by builds before the
     * latest intervals were stored (the v3 savepoint fixture holds it): lastDepthSeq 42 and a 1m
     * candle open at {@code T}, then the same with no open candle.
     */
    static final String MARKET_DATA_V1 =
            "01000000000000002a00000001000000000000ea600000018bcfe6044000000000000027100000"
                    + "00000000277400000000000026ac000000000000274200000000000005dc0000000000e4e1c00000000000000003000000000"
                    + "0000029";

    static final String MARKET_DATA_V1_NO_CANDLE = "01000000000000002a00000000";

    static final String MARKET_DATA_V2 =
            "02000000000000002a00000001000000000000ea600000018bcfe6044000000000000027100000"
                    + "00000000277400000000000026ac000000000000274200000000000005dc0000000000e4e1c00000000000000003000000000"
                    + "0000029000000020000000000003a980000018bcfe6b408000000000000ea600000018bcfe60440";

    @Test
    void marketDataStateBytesOfEveryVersionAreFixedAndV1ReadsItsOpenCandlesIntervalsAsTheLatest() throws IOException {
        long t = 1_700_000_040_000L;
        OpenCandle candle = new OpenCandle(60_000, t, 10_000, 10_100, 9_900, 10_050, 1500, 15_000_000, 3, 41);
        MarketDataState v1 =
                MarketDataStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(hex(MARKET_DATA_V1)));
        assertThat(v1).isEqualTo(new MarketDataState(42, List.of(candle), List.of(new LatestInterval(60_000, t))));
        assertThat(MarketDataStateSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(hex(MARKET_DATA_V1_NO_CANDLE))))
                .isEqualTo(new MarketDataState(42, List.of(), List.of()));
        MarketDataState v2 = new MarketDataState(
                42, List.of(candle), List.of(new LatestInterval(15_000, t + 45_000), new LatestInterval(60_000, t)));
        DataOutputSerializer out = new DataOutputSerializer(64);
        MarketDataStateSerializer.INSTANCE.serialize(v2, out);
        assertThat(java.util.HexFormat.of().formatHex(out.getCopyOfBuffer())).isEqualTo(MARKET_DATA_V2);
        assertThat(roundTrip(MarketDataStateSerializer.INSTANCE, v2)).isEqualTo(v2);
        // A v1 value copied (e.g. by a state migration) is written in the current format.
        DataOutputSerializer copied = new DataOutputSerializer(64);
        MarketDataStateSerializer.INSTANCE.copy(new DataInputDeserializer(hex(MARKET_DATA_V1)), copied);
        assertThat(MarketDataStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer())))
                .isEqualTo(v1);
    }

    /** The exact bytes of BookLimits v1. */
    static final String LIMITS_V1 =
            "010000000000000186a00100000000000000190000000000000000000000000000000000960000000000989680";

    @Test
    void bookLimitsRoundTripAndTheirV1BytesAreFixed() throws IOException {
        BookLimits limits = new BookLimits(
                Decimal.parse("100000"), Decimal.parse("2.5"), Decimal.ZERO, Decimal.parse("150"), 10_000_000);
        assertThat(roundTrip(BookLimits.Serializer.INSTANCE, limits)).isEqualTo(limits);
        DataOutputSerializer out = new DataOutputSerializer(64);
        BookLimits.Serializer.INSTANCE.serialize(limits, out);
        assertThat(java.util.HexFormat.of().formatHex(out.getCopyOfBuffer())).isEqualTo(LIMITS_V1);
        assertThat(BookLimits.Serializer.INSTANCE.deserialize(new DataInputDeserializer(hex(LIMITS_V1))))
                .isEqualTo(limits);
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }

    static OrderRow orderRow(long version, long createdAt, long updatedAt) {
        return new OrderRow(
                "BTC-USDT",
                42,
                7,
                Side.BUY,
                OrderType.MARKET,
                TimeInForce.IOC,
                StpMode.NONE,
                null,
                null,
                new java.math.BigDecimal("500.00000"),
                io.spotmatch.book.OrderStatus.CANCELLED,
                new java.math.BigDecimal("0.004"),
                new java.math.BigDecimal("499.99000"),
                new java.math.BigDecimal("-0.00001"),
                io.spotmatch.book.CancelReason.MARKET_NO_LIQUIDITY,
                version,
                createdAt,
                updatedAt);
    }

    @Test
    void unwrittenOrderRowsRoundTrip() throws IOException {
        OrderRowSink.UnwrittenSerializer serializer = new OrderRowSink.UnwrittenSerializer();
        OrderRow withClientId = new OrderRow(
                "BTC-USDT",
                43,
                7,
                Side.BUY,
                OrderType.LIMIT,
                TimeInForce.GTC,
                StpMode.NONE,
                new java.math.BigDecimal("100.00"),
                new java.math.BigDecimal("1.000"),
                null,
                io.spotmatch.book.OrderStatus.NEW,
                new java.math.BigDecimal("0.000"),
                new java.math.BigDecimal("0.00000"),
                new java.math.BigDecimal("0.00000"),
                null,
                4,
                10,
                10,
                "Gw-1:a/b",
                1_800_000_000_000L,
                new java.math.BigDecimal("99.50"));
        OrderRowSink.Unwritten rows =
                new OrderRowSink.Unwritten(List.of(orderRow(3, 10, 20), orderRow(9, 10, 30), withClientId));
        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(rows)))
                .isEqualTo(rows);
        assertThatThrownBy(() -> serializer.deserialize(serializer.getVersion() + 1, serializer.serialize(rows)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("newer SpotMatch");
    }

    /**
     * The unwritten rows' v2 layout (client order id, expiry time, stop price), pinned here: a
     * savepoint of a caught-up job, like the v4 fixture, usually has no unwritten rows to pin it.
     */
    @Test
    void unwrittenOrderRowsV2BytesAreFixed() throws IOException {
        OrderRowSink.UnwrittenSerializer serializer = new OrderRowSink.UnwrittenSerializer();
        OrderRow row = new OrderRow(
                "SOL-USDT",
                5,
                10,
                Side.SELL,
                OrderType.STOP_LOSS_LIMIT,
                TimeInForce.GTC,
                StpMode.NONE,
                new java.math.BigDecimal("97.50"),
                new java.math.BigDecimal("0.500"),
                null,
                io.spotmatch.book.OrderStatus.NEW,
                new java.math.BigDecimal("0.000"),
                new java.math.BigDecimal("0.00000"),
                new java.math.BigDecimal("0.00000"),
                null,
                1,
                1_767_225_621_000L,
                1_767_225_621_000L,
                "sol-stop-1",
                null,
                new java.math.BigDecimal("98.00"));
        OrderRowSink.Unwritten rows = new OrderRowSink.Unwritten(List.of(row));
        assertThat(serializer.getVersion()).isEqualTo(2);
        assertThat(java.util.HexFormat.of().formatHex(serializer.serialize(rows)))
                .isEqualTo(UNWRITTEN_V2);
        assertThat(serializer.deserialize(2, hex(UNWRITTEN_V2))).isEqualTo(rows);
    }

    private static final String UNWRITTEN_V2 =
            "000000010008534f4c2d555344540000000000000005000000000000000a010400000000000226160000000200000002"
                    + "01f400000003ffffffff00000000010000000003000000010000000005000000010000000005ff000000000000000100"
                    + "00019b76dafa080000019b76dafa0801000a736f6c2d73746f702d31000000000000000000000002264800000002";

    @Test
    void mergedOrderRowsKeepTheNewestVersionAndTheEarliestCreationTime() {
        OrderRow accepted = orderRow(3, 1_000, 1_000);
        OrderRow filled = orderRow(8, 5_000, 5_000);
        assertThat(OrderRow.newer(accepted, filled)).isEqualTo(orderRow(8, 1_000, 5_000));
        assertThat(OrderRow.newer(filled, accepted)).isEqualTo(orderRow(8, 1_000, 5_000));
        assertThat(OrderRow.newer(accepted, accepted)).isSameAs(accepted);
    }

    @Test
    void snapshotsRestoreTheSameSerializerAsIs() throws IOException {
        assertCompatibleAsIs(RestingOrder.Serializer.INSTANCE);
        assertCompatibleAsIs(BookHeader.Serializer.INSTANCE);
        assertCompatibleAsIs(BookLimits.Serializer.INSTANCE);
        assertCompatibleAsIs(RecentClientOrderIds.Serializer.INSTANCE);
        assertCompatibleAsIs(SymbolCommand.Serializer.INSTANCE);
        assertCompatibleAsIs(MarketDataStateSerializer.INSTANCE);
    }

    private static <T> void assertCompatibleAsIs(TypeSerializer<T> serializer) throws IOException {
        TypeSerializerSnapshot<T> snapshot = serializer.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<T> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), StateSerializerTest.class.getClassLoader());
        TypeSerializerSchemaCompatibility<T> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(read);
        assertThat(compatibility.isCompatibleAsIs())
                .as(serializer.getClass().getName())
                .isTrue();
        assertThat(read.restoreSerializer()).isSameAs(serializer);
    }

    @Test
    void aFormatVersionFromTheFutureFailsLoudly() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(8);
        out.writeByte(RestingOrder.Serializer.VERSION + 1);
        assertThatThrownBy(() ->
                        RestingOrder.Serializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format version 4")
                .hasMessageContaining("newer SpotMatch");
        assertThatThrownBy(() -> BookHeader.Serializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {0})))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format version 0");
    }
}
