package io.spotmatch.flink;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Connections through the PostgreSQL driver of this class's own class loader, not {@code
 * DriverManager}: on a Flink cluster the driver is in the job jar's (child-first) class loader, and
 * DriverManager only offers drivers it registered from a class loader the caller can see. In the
 * JobManager (a REST or web UI submission runs {@code main} there) and in a TaskManager that runs a
 * second job, it knows none or another job's copy and answers "No suitable driver".
 */
public final class PostgresConnections {

    private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

    private PostgresConnections() {}

    public static Connection open(String url, Properties props) throws SQLException {
        Connection c = DRIVER.connect(url, props);
        if (c == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + url, "08001");
        }
        return c;
    }

    public static Connection open(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return open(url, props);
    }
}
