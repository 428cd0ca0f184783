package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.flink.LedgerRow;
import io.spotmatch.flink.LedgerRowWriter;
import io.spotmatch.ledger.Leg;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ledger rows by COPY: exact decimals (scale kept), times and transaction ids as written; a batch
 * that meets rows already written (a replay) adds exactly the others and changes none of them.
 */
class LedgerRowWriterITCase {

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    private static final long T = 1_767_225_600_123L; // 2026-01-01T00:00:00.123Z

    private static final LedgerRow DEPOSIT = new LedgerRow(
            7, "USDT", new BigDecimal("1000.50"), BigDecimal.ZERO, Leg.DEPOSIT, "", 0, 0, "ops:incident/17_a.b-c", T);
    private static final LedgerRow TAKER_QUOTE = new LedgerRow(
            2, "USDT", new BigDecimal("0.50100"), new BigDecimal("-50.60100"), Leg.TRADE, "BTC-USDT", 4, 11, "", T + 1);
    private static final LedgerRow TAKER_BASE =
            new LedgerRow(2, "BTC", new BigDecimal("0.500"), BigDecimal.ZERO, Leg.TRADE, "BTC-USDT", 4, 11, "", T + 1);
    private static final LedgerRow FEES = new LedgerRow(
            0, "USDT", new BigDecimal("0.000150015"), BigDecimal.ZERO, Leg.FEE, "BTC-USDT", 4, 0, "", T + 1);
    private static final LedgerRow RELEASE = new LedgerRow(
            2,
            "USDT",
            new BigDecimal("50.60100"),
            new BigDecimal("-50.60100"),
            Leg.RELEASE,
            "BTC-USDT",
            5,
            11,
            "",
            T + 2);

    static final String ROWS = "SELECT symbol, seq, tx_id, account, asset, order_id, available, held, leg,"
            + " (EXTRACT(EPOCH FROM moved_at) * 1000)::bigint FROM ledger ORDER BY symbol, seq, tx_id, account, asset,"
            + " order_id";

    @Test
    void copyWritesExactRowsAndAReplayAddsOnlyTheRowsNotThere() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        List<String> first = List.of(
                "|0|ops:incident/17_a.b-c|7|USDT|0|1000.50|0|DEPOSIT|1767225600123",
                "BTC-USDT|4||0|USDT|0|0.000150015|0|FEE|1767225600124",
                "BTC-USDT|4||2|BTC|11|0.500|0|TRADE|1767225600124",
                "BTC-USDT|4||2|USDT|11|0.50100|-50.60100|TRADE|1767225600124");
        try (Connection c = p.connect()) {
            c.setAutoCommit(false);
            LedgerRowWriter w = new LedgerRowWriter(c);
            assertThat(w.write(List.of(DEPOSIT, TAKER_QUOTE, TAKER_BASE, FEES))).isTrue();
            c.commit();
            assertThat(p.query(ROWS)).containsExactlyElementsOf(first);

            // Replayed from a checkpoint: the last two rows again, and the next one.
            assertThat(w.write(List.of(TAKER_BASE, FEES, RELEASE))).isFalse();
            c.commit();
            assertThat(p.query(ROWS))
                    .containsExactly(
                            first.get(0),
                            first.get(1),
                            first.get(2),
                            first.get(3),
                            "BTC-USDT|5||2|USDT|11|50.60100|-50.60100|RELEASE|1767225600125");

            assertThat(w.write(List.of(DEPOSIT, TAKER_QUOTE, TAKER_BASE, FEES, RELEASE)))
                    .isFalse();
            c.commit();
            assertThat(p.query(ROWS)).hasSize(5);
        }
    }

    @Test
    void anyOtherFailureIsThrownAndWritesNothing() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        LedgerRow noAsset = new LedgerRow(2, null, BigDecimal.ONE, BigDecimal.ZERO, Leg.HOLD, "BTC-USDT", 6, 12, "", T);
        try (Connection c = p.connect()) {
            c.setAutoCommit(false);
            LedgerRowWriter w = new LedgerRowWriter(c);
            assertThatThrownBy(() -> w.write(List.of(RELEASE, noAsset)))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("23502"); // not null
            c.rollback();
        }
        assertThat(p.query("SELECT count(*) FROM ledger")).containsExactly("0");
    }
}
