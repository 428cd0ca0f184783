package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database setup of docker-compose, run as its init scripts run it (the role script, then the
 * schema as the owner) on a real PostgreSQL: the job's role reads and writes the job's tables and
 * may do nothing else.
 */
class ComposeDatabaseRoleITCase {

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private String url(String database) {
        return SERVERS.postgres().jdbcUrl().replaceFirst("/[^/]+$", "/" + database);
    }

    @Test
    void theJobsRoleMaySelectInsertAndUpdateItsTablesOnly() throws Exception {
        try (Connection c = SERVERS.postgres().connect();
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS spotmatch");
            st.execute("DROP ROLE IF EXISTS spotmatch");
            st.execute("CREATE DATABASE spotmatch");
        }
        try (Connection owner = DriverManager.getConnection(url("spotmatch"), "postgres", "postgres");
                Statement st = owner.createStatement()) {
            // 10-job-role.sh: the psql variable job_password, as psql would quote it.
            String role = Files.readAllLines(ROOT.resolve("deploy/compose/postgres-init/job-role.psql")).stream()
                    .filter(l -> !l.startsWith("--"))
                    .collect(Collectors.joining("\n"))
                    .replace(":'job_password'", "'job-password'");
            for (String statement : role.split(";\n")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
            // 20-schema.sh: every script of sql/, in name order.
            for (String script : Schema.SCRIPTS) {
                st.execute(Files.readString(ROOT.resolve("sql").resolve(script)));
            }
        }
        try (Connection job = DriverManager.getConnection(url("spotmatch"), "spotmatch", "job-password");
                Statement st = job.createStatement()) {
            st.execute("INSERT INTO trades (symbol, trade_id, seq, price, quantity, quote_quantity, taker_side,"
                    + " taker_order_id, taker_user_id, maker_order_id, maker_user_id, taker_fee, maker_fee, fee_asset,"
                    + " traded_at) VALUES ('BTC-USDT', 1, 2, 100, 1, 100, 'BUY', 2, 20, 1, 10, 0, 0, 'USDT', now())"
                    + " ON CONFLICT (symbol, trade_id) DO NOTHING");
            assertThat(st.executeUpdate("UPDATE trades SET seq = 3 WHERE symbol = 'BTC-USDT'"))
                    .isEqualTo(1);
            try (var rs = st.executeQuery("SELECT count(*) FROM trades")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            for (String forbidden : new String[] {
                "DELETE FROM trades",
                "TRUNCATE trades",
                "DROP TABLE orders",
                "CREATE TABLE mine (x INT)",
                "ALTER TABLE trades ADD COLUMN x INT",
                "CREATE ROLE other"
            }) {
                assertThatThrownBy(() -> st.execute(forbidden))
                        .as(forbidden)
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState())
                                .as(forbidden)
                                .isEqualTo("42501"));
            }
            try (var rs = st.executeQuery(
                    "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles" + " WHERE rolname = current_user")) {
                rs.next();
                assertThat(rs.getBoolean(1) || rs.getBoolean(2) || rs.getBoolean(3))
                        .isFalse();
            }
        }
    }
}
