package io.spotmatch.flink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/** SQL for the {@code trades} and {@code orders} tables: both idempotent, so replays change nothing. */
public final class SqlStatements {

    private SqlStatements() {
    }

    /** A trade id is written once; a replayed trade is the same row and is skipped. */
    public static final String INSERT_TRADE = """
            INSERT INTO trades (symbol, trade_id, seq, price, quantity, quote_quantity, taker_side,
                taker_order_id, taker_user_id, maker_order_id, maker_user_id, taker_fee, maker_fee, fee_asset, traded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (symbol, trade_id) DO NOTHING""";

    /**
     * The newest version of an order wins, whatever order rows arrive in: a replayed older row
     * never overwrites a newer one. created_at is set by the first row and never changed.
     */
    public static final String UPSERT_ORDER = """
            INSERT INTO orders (symbol, order_id, user_id, side, order_type, time_in_force, stp, price, quantity,
                quote_quantity, status, filled_quantity, filled_quote, fees, cancel_reason, version, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (symbol, order_id) DO UPDATE SET
                price = EXCLUDED.price, quantity = EXCLUDED.quantity, status = EXCLUDED.status,
                filled_quantity = EXCLUDED.filled_quantity, filled_quote = EXCLUDED.filled_quote, fees = EXCLUDED.fees,
                cancel_reason = EXCLUDED.cancel_reason, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE orders.version < EXCLUDED.version""";

    public static final JdbcStatementBuilder<TradeRow> TRADE = SqlStatements::bindTrade;
    public static final JdbcStatementBuilder<OrderRow> ORDER = SqlStatements::bindOrder;

    static void bindTrade(PreparedStatement ps, TradeRow t) throws SQLException {
        ps.setString(1, t.symbol());
        ps.setLong(2, t.tradeId());
        ps.setLong(3, t.seq());
        ps.setBigDecimal(4, t.price());
        ps.setBigDecimal(5, t.quantity());
        ps.setBigDecimal(6, t.quoteQuantity());
        ps.setString(7, t.takerSide().name());
        ps.setLong(8, t.takerOrderId());
        ps.setLong(9, t.takerUserId());
        ps.setLong(10, t.makerOrderId());
        ps.setLong(11, t.makerUserId());
        ps.setBigDecimal(12, t.takerFee());
        ps.setBigDecimal(13, t.makerFee());
        ps.setString(14, t.feeAsset());
        ps.setObject(15, time(t.time()));
    }

    static void bindOrder(PreparedStatement ps, OrderRow o) throws SQLException {
        ps.setString(1, o.symbol());
        ps.setLong(2, o.orderId());
        ps.setLong(3, o.userId());
        ps.setString(4, o.side().name());
        ps.setString(5, o.orderType().name());
        ps.setString(6, o.timeInForce().name());
        ps.setString(7, o.stp().name());
        ps.setBigDecimal(8, o.price());
        ps.setBigDecimal(9, o.quantity());
        ps.setBigDecimal(10, o.quoteQuantity());
        ps.setString(11, o.status().name());
        ps.setBigDecimal(12, o.filledQuantity());
        ps.setBigDecimal(13, o.filledQuote());
        ps.setBigDecimal(14, o.fees());
        ps.setString(15, o.cancelReason() == null ? null : o.cancelReason().name());
        ps.setLong(16, o.version());
        OffsetDateTime time = time(o.time());
        ps.setObject(17, time);
        ps.setObject(18, time);
    }

    private static OffsetDateTime time(long epochMillis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }
}
