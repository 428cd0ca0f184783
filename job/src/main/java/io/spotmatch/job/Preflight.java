package io.spotmatch.job;

import io.spotmatch.job.SpotMatchOptions.Delivery;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;

/** What the job checks before it is submitted, against the outside world and the cluster's configuration. */
public final class Preflight {

    private Preflight() {}

    /** Fails with an {@link CommandLine.InvalidOptionException} naming the option if the job must not start. */
    public static void check(SpotMatchOptions o, ReadableConfig cluster) throws SQLException {
        requireTransactionsOutlastRestart(o, cluster);
        if (o.allowPartialHistory()) {
            requireEmptyTables(o);
        }
    }

    /**
     * A Kafka transaction left open by a failure must still be open when the restarted job commits
     * it: the broker aborts it after the timeout, and its events would be lost.
     */
    static void requireTransactionsOutlastRestart(SpotMatchOptions o, ReadableConfig cluster) {
        if (o.eventsDelivery() != Delivery.EXACTLY_ONCE && o.deadLetterDelivery() != Delivery.EXACTLY_ONCE) {
            return;
        }
        Duration restart = longestRestartDelay(cluster);
        Duration needed = o.checkpointInterval().plus(restart);
        CommandLine.require(
                o.transactionTimeout().compareTo(needed) > 0,
                SpotMatchOptions.TRANSACTION_TIMEOUT,
                "(" + o.transactionTimeout() + ") must outlast a checkpoint interval (" + o.checkpointInterval()
                        + ") plus the longest restart delay of the restart strategy (" + restart + ")");
    }

    /** The longest wait before a restart of the restart strategy the job will run with. */
    static Duration longestRestartDelay(ReadableConfig c) {
        // Flink's default with checkpointing on (as the job always has) is exponential-delay.
        String type = c.getOptional(RestartStrategyOptions.RESTART_STRATEGY).orElse("exponential-delay");
        return switch (type.toLowerCase()) {
            case "none", "off", "disable" -> Duration.ZERO;
            case "fixed-delay", "fixeddelay" -> c.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY);
            case "failure-rate", "failurerate" -> c.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY);
            default -> c.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF);
        };
    }

    /**
     * A partial backfill starts its trade ids, order versions and seqs again: into tables that hold
     * rows of another run they would be dropped as duplicates or refused as old versions.
     */
    static void requireEmptyTables(SpotMatchOptions o) throws SQLException {
        try (Connection c = io.spotmatch.flink.PostgresConnections.open(o.jdbcUrl(), o.jdbcUser(), o.jdbcPassword());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM (SELECT 1 FROM trades LIMIT 1) t),"
                        + " (SELECT count(*) FROM (SELECT 1 FROM orders LIMIT 1) o),"
                        + " (SELECT count(*) FROM (SELECT 1 FROM ledger LIMIT 1) l)")) {
            rs.next();
            String full = rs.getLong(1) != 0
                    ? "trades"
                    : rs.getLong(2) != 0 ? "orders" : rs.getLong(3) != 0 ? "ledger" : null;
            CommandLine.require(
                    full == null,
                    SpotMatchOptions.ALLOW_PARTIAL_HISTORY,
                    "is only for EMPTY trades, orders and ledger tables, and " + full
                            + " has rows: the same rule covers a partial backfill into live tables; write into new"
                            + " tables (another schema) instead");
        }
    }
}
