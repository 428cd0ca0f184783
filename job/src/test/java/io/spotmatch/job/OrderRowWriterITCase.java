package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.CancelReason;
import io.spotmatch.book.OrderStatus;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.flink.OrderRow;
import io.spotmatch.flink.OrderRowWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both ways of writing order rows give the same table, value for value: COPY's text encoding of
 * nulls, exact decimals, times and odd characters, and the version guard of the merge.
 */
class OrderRowWriterITCase {

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    private static final long T = 1_767_225_600_123L; // 2026-01-01T00:00:00.123Z

    static final List<OrderRow> FIRST = List.of(
            new OrderRow(
                    "BTC-USDT",
                    1,
                    7,
                    Side.BUY,
                    OrderType.LIMIT,
                    TimeInForce.GTD,
                    StpMode.EXPIRE_TAKER,
                    new BigDecimal("64000.12"),
                    new BigDecimal("0.00000001"),
                    null,
                    OrderStatus.NEW,
                    BigDecimal.ZERO,
                    BigDecimal.ZERO,
                    BigDecimal.ZERO,
                    null,
                    3,
                    T,
                    T,
                    "gw-1:a/b.c_d-\\x\ty",
                    T + 60_000,
                    null),
            new OrderRow(
                    "BTC-USDT",
                    2,
                    8,
                    Side.BUY,
                    OrderType.MARKET,
                    TimeInForce.IOC,
                    StpMode.NONE,
                    null,
                    null,
                    new BigDecimal("100.5"),
                    OrderStatus.FILLED,
                    new BigDecimal("0.0015"),
                    new BigDecimal("100.500000"),
                    new BigDecimal("0.1005"),
                    null,
                    4,
                    T,
                    T + 1,
                    null,
                    null,
                    null),
            new OrderRow(
                    "ETH-USDT",
                    9,
                    7,
                    Side.SELL,
                    OrderType.STOP_LOSS_LIMIT,
                    TimeInForce.GTC,
                    StpMode.DECREMENT,
                    new BigDecimal("3000"),
                    new BigDecimal("2.5"),
                    null,
                    OrderStatus.NEW,
                    BigDecimal.ZERO,
                    BigDecimal.ZERO,
                    BigDecimal.ZERO,
                    null,
                    5,
                    T,
                    T,
                    null,
                    null,
                    new BigDecimal("3010.5")));

    /** A newer version of order 1 (cancelled, keeps its creation time), and an older one of order 2 (ignored). */
    static final List<OrderRow> SECOND = List.of(
            new OrderRow(
                    "BTC-USDT",
                    1,
                    7,
                    Side.BUY,
                    OrderType.LIMIT,
                    TimeInForce.GTD,
                    StpMode.EXPIRE_TAKER,
                    new BigDecimal("64000.12"),
                    new BigDecimal("0.00000001"),
                    null,
                    OrderStatus.CANCELLED,
                    BigDecimal.ZERO,
                    BigDecimal.ZERO,
                    BigDecimal.ZERO,
                    CancelReason.EXPIRED,
                    10,
                    T + 5,
                    T + 9,
                    "gw-1:a/b.c_d-\\x\ty",
                    T + 60_000,
                    null),
            new OrderRow(
                    "BTC-USDT",
                    2,
                    8,
                    Side.BUY,
                    OrderType.MARKET,
                    TimeInForce.IOC,
                    StpMode.NONE,
                    null,
                    null,
                    new BigDecimal("100.5"),
                    OrderStatus.NEW,
                    BigDecimal.ZERO,
                    BigDecimal.ZERO,
                    BigDecimal.ZERO,
                    null,
                    2,
                    T,
                    T,
                    null,
                    null,
                    null));

    static final String ROWS = "SELECT symbol, order_id, user_id, side, order_type, time_in_force, stp, price,"
            + " quantity, quote_quantity, status, filled_quantity, remaining_quantity, filled_quote, avg_price, fees,"
            + " cancel_reason, version, (EXTRACT(EPOCH FROM created_at) * 1000)::bigint,"
            + " (EXTRACT(EPOCH FROM updated_at) * 1000)::bigint, client_order_id,"
            + " (EXTRACT(EPOCH FROM expire_time) * 1000)::bigint, stop_price FROM orders_view ORDER BY symbol, order_id";

    @Test
    void copyAndMergeWritesWhatTheMultiRowUpsertWrites() throws Exception {
        List<String> upsert = written(OrderRowWriter.Mode.UPSERT);
        List<String> copy = written(OrderRowWriter.Mode.COPY_MERGE);
        assertThat(copy).isEqualTo(upsert);
        assertThat(copy)
                .containsExactly(
                        "BTC-USDT|1|7|BUY|LIMIT|GTD|EXPIRE_TAKER|64000.12|0.00000001|null|CANCELLED|0|0.00000001|0|null|0|EXPIRED"
                                + "|10|1767225600123|1767225600132|gw-1:a/b.c_d-\\x\ty|1767225660123|null",
                        "BTC-USDT|2|8|BUY|MARKET|IOC|NONE|null|null|100.5|FILLED|0.0015|null|100.500000"
                                + "|67000.000000000000|0.1005|null|4|1767225600123|1767225600124|null|null|null",
                        "ETH-USDT|9|7|SELL|STOP_LOSS_LIMIT|GTC|DECREMENT|3000|2.5|null|NEW|0|2.5|0|null|0|null|5"
                                + "|1767225600123|1767225600123|null|null|3010.5");
    }

    private static List<String> written(OrderRowWriter.Mode mode) throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        try (Connection c = p.connect()) {
            c.setAutoCommit(false);
            OrderRowWriter w = new OrderRowWriter(c, mode);
            w.write(FIRST);
            c.commit();
            w.write(SECOND);
            c.commit();
        }
        return p.query(ROWS);
    }
}
