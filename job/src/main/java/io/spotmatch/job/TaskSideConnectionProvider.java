package io.spotmatch.job;

import io.spotmatch.wire.Secret;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trades sink's connections, for two things the JDBC connector does not do itself.
 *
 * <ul>
 *   <li>The password is read on the TaskManager ({@link Secret}): the connector's own
 *       {@code JdbcConnectionOptions} would keep it in its properties, which travel in the job graph.
 *   <li>A lost connection is re-established with retries after 1 s, 2 s, ... ({@code maxRetries} of
 *       them): the connector's {@code JdbcOutputFormat.flush} retries a failed batch only while
 *       the database answers, and fails the task at the first reconnect that does not succeed, so
 *       without this a database that is down for a second fails the job at once.
 * </ul>
 */
final class TaskSideConnectionProvider extends SimpleJdbcConnectionProvider {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TaskSideConnectionProvider.class);

    private final Secret password;
    private final int maxRetries;
    private final String url;

    TaskSideConnectionProvider(JdbcConnectionOptions options, Secret password, int maxRetries) {
        super(options);
        this.password = password;
        this.maxRetries = maxRetries;
        this.url = options.getDbURL();
    }

    @Override
    public Properties getProperties() {
        Properties p = new Properties();
        p.putAll(super.getProperties());
        p.setProperty(JdbcConnectionOptions.PASSWORD_KEY, password.text());
        return p;
    }

    @Override
    public Connection reestablishConnection() throws SQLException, ClassNotFoundException {
        for (int attempt = 0; ; attempt++) {
            try {
                return super.reestablishConnection();
            } catch (SQLException e) {
                if (attempt >= maxRetries) {
                    throw new SQLException(
                            "cannot reconnect to PostgreSQL after " + (attempt + 1) + " attempts", e.getSQLState(), e);
                }
                LOG.warn(
                        "Reconnecting the trades sink to PostgreSQL failed (attempt {} of {}), retrying in {} s",
                        attempt + 1,
                        maxRetries + 1,
                        attempt + 1,
                        e);
                try {
                    Thread.sleep(1000L * (attempt + 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while reconnecting to PostgreSQL", e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "TaskSideConnectionProvider(" + url + ", password from " + password.where() + ")";
    }
}
