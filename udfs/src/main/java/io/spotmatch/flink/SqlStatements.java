package io.spotmatch.flink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/** SQL for the {@code trades} and {@code orders} tables: both idempotent, so replays change nothing. */
public final class SqlStatements {

    private SqlStatements() {}

    /** A trade id is written once; a replayed trade is the same row and is skipped. */
    public static final String INSERT_TRADE = """
            INSERT INTO trades (symbol, trade_id, seq, price, quantity, quote_quantity, taker_side,
                taker_order_id, taker_user_id, maker_order_id, maker_user_id, taker_fee, maker_fee, fee_asset,
                traded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (symbol, trade_id) DO NOTHING""";

    static final String ORDER_COLUMNS = "symbol, order_id, user_id, side, order_type, time_in_force, stp, price,"
            + " quantity, quote_quantity, status, filled_quantity, filled_quote, fees, cancel_reason, version, created_at,"
            + " updated_at, client_order_id, expire_time, stop_price";
    static final int ORDER_PARAMETERS = 21;

    /**
     * The guarded upsert of {@code rows} order rows: the newest version of an order wins, whatever
     * order rows arrive in, so a replayed older row never overwrites a newer one. created_at is set
     * by the first row and never changed. The rows must be distinct orders: PostgreSQL refuses an
     * ON CONFLICT DO UPDATE that meets one row twice in a statement.
     */
    static String upsertOrders(int rows) {
        StringBuilder sb =
                new StringBuilder("INSERT INTO orders (").append(ORDER_COLUMNS).append(") VALUES ");
        for (int r = 0; r < rows; r++) {
            sb.append(r == 0 ? "(" : ",(");
            for (int p = 0; p < ORDER_PARAMETERS; p++) {
                sb.append(p == 0 ? "?" : ",?");
            }
            sb.append(')');
        }
        return sb.append(ON_CONFLICT_NEWER_VERSION).toString();
    }

    /** The same guarded upsert of every row of {@code staging} (distinct orders, {@link #ORDER_COLUMNS}). */
    static String mergeOrders(String staging) {
        return "INSERT INTO orders (" + ORDER_COLUMNS + ") SELECT " + ORDER_COLUMNS + " FROM " + staging
                + ON_CONFLICT_NEWER_VERSION;
    }

    private static final String ON_CONFLICT_NEWER_VERSION = " ON CONFLICT (symbol, order_id) DO UPDATE SET"
            + " price = EXCLUDED.price, quantity = EXCLUDED.quantity, status = EXCLUDED.status,"
            + " filled_quantity = EXCLUDED.filled_quantity, filled_quote = EXCLUDED.filled_quote, fees = EXCLUDED.fees,"
            + " cancel_reason = EXCLUDED.cancel_reason, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at"
            + " WHERE orders.version < EXCLUDED.version";

    public static final JdbcStatementBuilder<TradeRow> TRADE = SqlStatements::bindTrade;

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

    /** Binds one order row to parameters {@code at + 1} to {@code at + 21}, in {@link #ORDER_COLUMNS} order. */
    static void bindOrder(PreparedStatement ps, int at, OrderRow o) throws SQLException {
        ps.setString(at + 1, o.symbol());
        ps.setLong(at + 2, o.orderId());
        ps.setLong(at + 3, o.userId());
        ps.setString(at + 4, o.side().name());
        ps.setString(at + 5, o.orderType().name());
        ps.setString(at + 6, o.timeInForce().name());
        ps.setString(at + 7, o.stp().name());
        ps.setBigDecimal(at + 8, o.price());
        ps.setBigDecimal(at + 9, o.quantity());
        ps.setBigDecimal(at + 10, o.quoteQuantity());
        ps.setString(at + 11, o.status().name());
        ps.setBigDecimal(at + 12, o.filledQuantity());
        ps.setBigDecimal(at + 13, o.filledQuote());
        ps.setBigDecimal(at + 14, o.fees());
        ps.setString(at + 15, o.cancelReason() == null ? null : o.cancelReason().name());
        ps.setLong(at + 16, o.version());
        ps.setObject(at + 17, time(o.createdAt()));
        ps.setObject(at + 18, time(o.updatedAt()));
        ps.setString(at + 19, o.clientOrderId());
        ps.setObject(at + 20, o.expireTime() == null ? null : time(o.expireTime()));
        ps.setBigDecimal(at + 21, o.stopPrice());
    }

    private static OffsetDateTime time(long epochMillis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }
}
