package io.spotmatch.flink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/** SQL for the {@code ledger} and {@code balances} tables: both idempotent, so replays change nothing. */
public final class LedgerSql {

    private LedgerSql() {}

    /** A movement is written once per cause; a replayed one is the same row and is skipped. */
    public static final String INSERT_LEDGER = """
            INSERT INTO ledger (symbol, seq, tx_id, account, asset, order_id, available, held, leg, moved_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (symbol, seq, tx_id, account, asset, order_id) DO NOTHING""";

    /**
     * The latest value of a balance wins: a replayed older one never overwrites a newer one. The
     * ledger emits each balance at most once per checkpoint, so a batch never meets a row twice.
     */
    public static final String UPSERT_BALANCE = """
            INSERT INTO balances (account, asset, available, held, version) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (account, asset) DO UPDATE SET available = EXCLUDED.available, held = EXCLUDED.held,
                version = EXCLUDED.version WHERE balances.version < EXCLUDED.version""";

    public static final JdbcStatementBuilder<LedgerRow> LEDGER = (ps, r) -> {
        ps.setString(1, r.symbol());
        ps.setLong(2, r.seq());
        ps.setString(3, r.txId());
        ps.setLong(4, r.account());
        ps.setString(5, r.asset());
        ps.setLong(6, r.orderId());
        ps.setBigDecimal(7, r.available());
        ps.setBigDecimal(8, r.held());
        ps.setString(9, r.leg().name());
        ps.setObject(10, OffsetDateTime.ofInstant(Instant.ofEpochMilli(r.time()), ZoneOffset.UTC));
    };

    public static final JdbcStatementBuilder<BalanceRow> BALANCE = LedgerSql::bindBalance;

    static void bindBalance(PreparedStatement ps, BalanceRow b) throws SQLException {
        ps.setLong(1, b.account());
        ps.setString(2, b.asset());
        ps.setBigDecimal(3, b.available());
        ps.setBigDecimal(4, b.held());
        ps.setLong(5, b.version());
    }
}
