package io.spotmatch.flink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/**
 * SQL for the {@code balances} table: idempotent, so replays change nothing. The {@code ledger} table's rows
 * go in by {@link LedgerRowWriter}.
 */
public final class LedgerSql {

    private LedgerSql() {}

    /**
     * The latest value of a balance wins: a replayed older one never overwrites a newer one. The
     * ledger emits each balance at most once per checkpoint, so a batch never meets a row twice.
     */
    public static final String UPSERT_BALANCE = """
            INSERT INTO balances (account, asset, available, held, version) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (account, asset) DO UPDATE SET available = EXCLUDED.available, held = EXCLUDED.held,
                version = EXCLUDED.version WHERE balances.version < EXCLUDED.version""";

    public static final JdbcStatementBuilder<BalanceRow> BALANCE = LedgerSql::bindBalance;

    static void bindBalance(PreparedStatement ps, BalanceRow b) throws SQLException {
        ps.setLong(1, b.account());
        ps.setString(2, b.asset());
        ps.setBigDecimal(3, b.available());
        ps.setBigDecimal(4, b.held());
        ps.setLong(5, b.version());
    }
}
