package io.spotmatch.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * What {@code main} checks before it submits: a wrong broker address, a missing topic or a wrong
 * database password would otherwise only show once the job runs, as an endless restart loop. Each
 * failure is an {@link CommandLine.InvalidOptionException} naming the option to fix.
 */
public final class StartupChecks {

    private StartupChecks() {}

    public static void run(SpotMatchOptions o) {
        kafka(o);
        database(o);
    }

    /** The brokers answer within jdbc.connect-timeout and the orders, events, dead-letter and admin topics exist. */
    static void kafka(SpotMatchOptions o) {
        Duration timeout = o.jdbcConnectTimeout();
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        // The job's security settings, so the check logs in as the job will.
        Map<String, Object> conf = new HashMap<>(o.kafkaProperties());
        conf.putAll(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                o.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                millis,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                millis,
                // Fail on the first unreachable address instead of retrying it for the whole timeout.
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                1000));
        Map<String, ConfigOption<String>> topics = new LinkedHashMap<>();
        topics.put(o.ordersTopic(), SpotMatchOptions.ORDERS_TOPIC);
        topics.put(o.eventsTopic(), SpotMatchOptions.EVENTS_TOPIC);
        topics.put(o.deadLetterTopic(), SpotMatchOptions.DEAD_LETTER_TOPIC);
        if (o.adminTopic() != null) {
            topics.put(o.adminTopic(), SpotMatchOptions.ADMIN_TOPIC);
        }
        if (o.fundsTopic() != null) { // settlement
            topics.put(o.fundsTopic(), SpotMatchOptions.FUNDS_TOPIC);
            topics.put(o.balancesTopic(), SpotMatchOptions.BALANCES_TOPIC);
        }
        // ---- market data ----
        for (io.spotmatch.marketdata.MarketData.Kind k : o.marketData().streams()) {
            topics.put(k.topic(o.marketDataTopicPrefix()), SpotMatchOptions.MARKET_DATA_TOPIC_PREFIX);
        }
        // ---- end of market data ----
        try (Admin admin = Admin.create(conf)) {
            try {
                admin.describeCluster().nodes().get(millis, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw invalid(
                        SpotMatchOptions.BOOTSTRAP_SERVERS,
                        "no Kafka broker answered at '" + o.bootstrapServers() + "' within " + timeout + " (" + cause(e)
                                + ")");
            }
            var described = admin.describeTopics(List.copyOf(topics.keySet())).topicNameValues();
            for (Map.Entry<String, ConfigOption<String>> t : topics.entrySet()) {
                try {
                    described.get(t.getKey()).get(millis, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    throw invalid(
                            t.getValue(),
                            e.getCause() instanceof UnknownTopicOrPartitionException
                                    ? "topic '" + t.getKey() + "' does not exist on " + o.bootstrapServers()
                                    : "topic '" + t.getKey() + "' cannot be described: " + cause(e));
                } catch (TimeoutException e) {
                    throw invalid(t.getValue(), "topic '" + t.getKey() + "' was not described within " + timeout);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw invalid(SpotMatchOptions.BOOTSTRAP_SERVERS, "interrupted while checking Kafka");
        }
    }

    /** PostgreSQL accepts the configured user and password, with the sinks' own URL and timeouts. */
    static void database(SpotMatchOptions o) {
        String password = o.jdbcPassword();
        Properties props = new Properties();
        props.setProperty("user", o.jdbcUser());
        props.setProperty("password", password);
        try (Connection c = io.spotmatch.flink.PostgresConnections.open(o.jdbcSessionUrl(), props)) {
            c.isValid((int) Math.max(1, o.jdbcConnectTimeout().toSeconds()));
        } catch (SQLException e) {
            // 28xxx: invalid authorization (wrong password or user); 08xxx: cannot connect; 3D000: no such database.
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            ConfigOption<?> option =
                    state.startsWith("28") ? SpotMatchOptions.JDBC_PASSWORD_FILE : SpotMatchOptions.JDBC_URL;
            String what = state.startsWith("28")
                    ? "PostgreSQL refused user '" + o.jdbcUser() + "' with the password of "
                            + o.jdbcPasswordSecret().where()
                            + " (or --" + SpotMatchOptions.JDBC_USER.key() + " is wrong)"
                    : "cannot connect to PostgreSQL at " + o.jdbcUrl();
            throw invalid(option, what + ": " + e.getMessage());
        }
    }

    private static CommandLine.InvalidOptionException invalid(ConfigOption<?> option, String what) {
        return new CommandLine.InvalidOptionException("--" + option.key() + ": " + what);
    }

    private static String cause(Exception e) {
        Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
}
