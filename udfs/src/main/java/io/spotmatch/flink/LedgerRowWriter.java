package io.spotmatch.flink;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes one batch of ledger rows on one connection, as the whole of one transaction that the
 * caller commits. The rows go {@code COPY} straight into {@code ledger}: no statement per row, no
 * {@code ON CONFLICT} check per row (BENCHMARKS.md, section 8). Idempotence stays with the primary
 * key: a batch that holds a row already written (a replay after a failure, a backfill into the same
 * tables) fails on it and rolls back whole, then goes again through a temporary table and
 * {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING}, which skips exactly the rows already there.
 * Not thread-safe; one per connection.
 */
public final class LedgerRowWriter {

    static final String COLUMNS = "symbol, seq, tx_id, account, asset, order_id, available, held, leg, moved_at";

    private static final String UNIQUE_VIOLATION = "23505";

    /** Dropped with the session; emptied by every commit, so a rolled-back batch leaves nothing behind. */
    private static final String STAGING = "ledger_rows_in";

    private final Connection connection;
    private final CopyManager copy;
    private PreparedStatement merge;
    private final StringBuilder text = new StringBuilder(1 << 16);

    public LedgerRowWriter(Connection connection) throws SQLException {
        this.connection = connection;
        this.copy = connection.unwrap(PGConnection.class).getCopyAPI();
    }

    /**
     * Writes the batch in the connection's current transaction, which must hold nothing else: a
     * batch that meets rows already written rolls it back and writes the rest again.
     *
     * @return false when the batch met rows already written (they are unchanged; the others are in)
     */
    public boolean write(List<LedgerRow> rows) throws SQLException {
        text.setLength(0);
        for (LedgerRow r : rows) {
            appendRow(text, r);
        }
        try {
            copyIn("ledger");
            return true;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
        }
        connection.rollback();
        if (merge == null) {
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TEMP TABLE IF NOT EXISTS " + STAGING + " ON COMMIT DELETE ROWS AS SELECT " + COLUMNS
                        + " FROM ledger WITH NO DATA");
            }
            connection.commit();
            merge = connection.prepareStatement("INSERT INTO ledger (" + COLUMNS + ") SELECT " + COLUMNS + " FROM "
                    + STAGING + " ON CONFLICT (symbol, seq, tx_id, account, asset, order_id) DO NOTHING");
        }
        copyIn(STAGING);
        merge.executeUpdate();
        return false;
    }

    private void copyIn(String table) throws SQLException {
        try {
            copy.copyIn("COPY " + table + " (" + COLUMNS + ") FROM STDIN", new StringReader(text.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY of ledger rows failed", e);
        }
    }

    /** One row in COPY's text format, columns in {@link #COLUMNS} order. */
    static void appendRow(StringBuilder sb, LedgerRow r) {
        OrderRowWriter.text(sb, r.symbol()).append('\t');
        sb.append(r.seq()).append('\t');
        OrderRowWriter.text(sb, r.txId()).append('\t');
        sb.append(r.account()).append('\t');
        OrderRowWriter.text(sb, r.asset()).append('\t');
        sb.append(r.orderId()).append('\t');
        sb.append(r.available().toPlainString()).append('\t');
        sb.append(r.held().toPlainString()).append('\t');
        sb.append(r.leg().name()).append('\t');
        sb.append(Instant.ofEpochMilli(r.time())).append('\n'); // ISO-8601 in UTC, read exactly by timestamptz
    }
}
