package io.spotmatch.flink;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes one batch of order rows (distinct orders) with the guarded upsert, on one connection, in
 * the caller's transaction. Not thread-safe; one per connection.
 */
public final class OrderRowWriter {

    /** How the rows reach the upsert. */
    public enum Mode {
        /** Multi-row {@code INSERT ... VALUES} statements with bound parameters (256, 64, 16, 4, 1 rows). */
        UPSERT,
        /**
         * {@code COPY} into a temporary table, then one {@code INSERT ... SELECT} per batch: PostgreSQL
         * parses one statement per batch instead of one per 256 rows, and the rows travel as text.
         */
        COPY_MERGE
    }

    /** Statement sizes, largest first; each size's statement is prepared once per connection. */
    private static final int[] CHUNKS = {256, 64, 16, 4, 1};

    /** Dropped with the session; emptied by every commit, so a rolled-back batch leaves nothing behind. */
    private static final String STAGING = "order_rows_in";

    private final Connection connection;
    private final Mode mode;
    private final Map<Integer, PreparedStatement> statements = new HashMap<>();
    private CopyManager copy;
    private PreparedStatement merge;
    private final StringBuilder text = new StringBuilder(1 << 16);

    public OrderRowWriter(Connection connection, Mode mode) {
        this.connection = connection;
        this.mode = mode;
    }

    public void write(List<OrderRow> rows) throws SQLException {
        if (mode == Mode.UPSERT) {
            upsert(rows);
        } else {
            copyAndMerge(rows);
        }
    }

    private void upsert(List<OrderRow> rows) throws SQLException {
        Iterator<OrderRow> it = rows.iterator();
        int left = rows.size();
        for (int size : CHUNKS) {
            while (left >= size) {
                PreparedStatement ps = statements.get(size);
                if (ps == null) {
                    ps = connection.prepareStatement(SqlStatements.upsertOrders(size));
                    statements.put(size, ps);
                }
                for (int r = 0; r < size; r++) {
                    SqlStatements.bindOrder(ps, r * SqlStatements.ORDER_PARAMETERS, it.next());
                }
                ps.executeUpdate();
                left -= size;
            }
        }
    }

    private void copyAndMerge(List<OrderRow> rows) throws SQLException {
        if (copy == null) {
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TEMP TABLE IF NOT EXISTS " + STAGING + " ON COMMIT DELETE ROWS AS SELECT "
                        + SqlStatements.ORDER_COLUMNS + " FROM orders WITH NO DATA");
            }
            copy = connection.unwrap(PGConnection.class).getCopyAPI();
            merge = connection.prepareStatement(SqlStatements.mergeOrders(STAGING));
        }
        text.setLength(0);
        for (OrderRow o : rows) {
            appendRow(text, o);
        }
        try {
            copy.copyIn(
                    "COPY " + STAGING + " (" + SqlStatements.ORDER_COLUMNS + ") FROM STDIN",
                    new StringReader(text.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY of order rows failed", e);
        }
        merge.executeUpdate();
    }

    /** One row in COPY's text format, columns in {@link SqlStatements#ORDER_COLUMNS} order. */
    static void appendRow(StringBuilder sb, OrderRow o) {
        text(sb, o.symbol()).append('\t');
        sb.append(o.orderId()).append('\t').append(o.userId()).append('\t');
        sb.append(o.side().name()).append('\t');
        sb.append(o.orderType().name()).append('\t');
        sb.append(o.timeInForce().name()).append('\t');
        sb.append(o.stp().name()).append('\t');
        decimal(sb, o.price()).append('\t');
        decimal(sb, o.quantity()).append('\t');
        decimal(sb, o.quoteQuantity()).append('\t');
        sb.append(o.status().name()).append('\t');
        decimal(sb, o.filledQuantity()).append('\t');
        decimal(sb, o.filledQuote()).append('\t');
        decimal(sb, o.fees()).append('\t');
        sb.append(o.cancelReason() == null ? "\\N" : o.cancelReason().name()).append('\t');
        sb.append(o.version()).append('\t');
        time(sb, o.createdAt()).append('\t');
        time(sb, o.updatedAt()).append('\t');
        text(sb, o.clientOrderId()).append('\t');
        (o.expireTime() == null ? sb.append("\\N") : time(sb, o.expireTime())).append('\t');
        decimal(sb, o.stopPrice()).append('\n');
    }

    private static StringBuilder decimal(StringBuilder sb, BigDecimal d) {
        return d == null ? sb.append("\\N") : sb.append(d.toPlainString());
    }

    private static StringBuilder time(StringBuilder sb, long epochMillis) {
        return sb.append(Instant.ofEpochMilli(epochMillis)); // ISO-8601 in UTC, read exactly by timestamptz
    }

    /** Text with COPY's escapes (symbols and client order ids never need them; a stray one must not shift columns). */
    static StringBuilder text(StringBuilder sb, String s) {
        if (s == null) {
            return sb.append("\\N");
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(ch);
            }
        }
        return sb;
    }
}
