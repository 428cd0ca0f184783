package io.spotmatch.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Applies the scripts of {@code sql/} in version order, each once, recording them in
 * {@code schema_version}. The local runner and the tests use it; docker-compose hands the same
 * files to the PostgreSQL image.
 */
public final class Schema {

    /** Every script of sql/, in order. A test checks this list against the folder. */
    public static final List<String> SCRIPTS = List.of(
            "V001__trades_and_orders.sql",
            "V002__ledger.sql",
            "V003__client_order_ids_and_expiry.sql",
            "V004__lean_orders.sql");

    private Schema() {}

    public static void apply(Connection c) throws SQLException {
        apply(c, SCRIPTS.size());
    }

    /** Applies the first {@code scripts} scripts only: the schema as an older release left it (benchmarks). */
    public static void apply(Connection c, int scripts) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (script TEXT PRIMARY KEY,"
                    + " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            c.commit();
            for (String script : SCRIPTS.subList(0, scripts)) {
                if (applied(c, script)) {
                    continue;
                }
                st.execute(read(script));
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version (script) VALUES (?)")) {
                    ps.setString(1, script);
                    ps.executeUpdate();
                }
                c.commit();
            }
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static boolean applied(Connection c, String script) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM schema_version WHERE script = ?")) {
            ps.setString(1, script);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static String read(String script) {
        try (InputStream in = Schema.class.getResourceAsStream("/sql/" + script)) {
            if (in == null) {
                throw new IllegalStateException("schema script sql/" + script + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
