package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.job.CommandLine.InvalidOptionException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What main checks before it submits, against the real broker and database: each mistake fails
 * within seconds with a message naming the option to fix, instead of a job that restarts forever.
 */
class StartupChecksITCase {

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    private static SpotMatchOptions options(Pipeline p, Map<String, String> overrides) {
        Map<String, String> o = new HashMap<>(p.options(Map.of("jdbc.connect-timeout", "5 s")));
        o.putAll(overrides);
        return SpotMatchOptions.fromMap(o, Map.of());
    }

    @Test
    void aCorrectConfigurationPasses() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        assertThatCode(() -> StartupChecks.run(options(p, Map.of()))).doesNotThrowAnyException();
    }

    @Test
    void brokersThatDoNotAnswerNameTheBootstrapServers() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() ->
                        StartupChecks.run(options(p, Map.of("kafka.bootstrap-servers", "127.0.0.1:" + closedPort))))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageStartingWith(
                        "--kafka.bootstrap-servers: no Kafka broker answered at '127.0.0.1:" + closedPort);
    }

    @Test
    void aMissingTopicNamesItsOption() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        assertThatThrownBy(() -> StartupChecks.run(options(p, Map.of("kafka.orders-topic", "no-such-orders"))))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageStartingWith("--kafka.orders-topic: topic 'no-such-orders' does not exist");
        assertThatThrownBy(() -> StartupChecks.run(options(p, Map.of("kafka.events-topic", "no-such-events"))))
                .hasMessageStartingWith("--kafka.events-topic: topic 'no-such-events' does not exist");
        assertThatThrownBy(() -> StartupChecks.run(options(p, Map.of("kafka.dead-letter-topic", "no-such-dlq"))))
                .hasMessageStartingWith("--kafka.dead-letter-topic: topic 'no-such-dlq' does not exist");
        assertThatThrownBy(() -> StartupChecks.run(options(p, Map.of("kafka.admin-topic", "no-such-admin"))))
                .hasMessageStartingWith("--kafka.admin-topic: topic 'no-such-admin' does not exist");
    }

    // ---- market data ----
    @Test
    void aMissingMarketDataTopicNamesThePrefixAndASwitchedOffStreamNeedsNone() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        String prefix = "md-" + p.id + ".";
        Map<String, String> trades = Map.of("market-data.streams", "TRADE", "market-data.topic-prefix", prefix);
        assertThatThrownBy(() -> StartupChecks.run(options(p, trades)))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageStartingWith("--market-data.topic-prefix: topic '" + prefix + "trades' does not exist");
        SERVERS.kafka().createTopic(prefix + "trades", 1);
        assertThatCode(() -> StartupChecks.run(options(p, trades))).doesNotThrowAnyException();
    }
    // ---- end of market data ----

    @Test
    void aWrongPasswordNamesThePassword() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        passwordCheckedUser();
        Map<String, String> user = Map.of(
                "jdbc.user",
                "pwcheck",
                "jdbc.password-file",
                Pipeline.passwordFile("right").toString());
        assertThatCode(() -> StartupChecks.database(options(p, user))).doesNotThrowAnyException();
        assertThatThrownBy(() -> StartupChecks.run(options(
                        p,
                        Map.of(
                                "jdbc.user",
                                "pwcheck",
                                "jdbc.password-file",
                                Pipeline.passwordFile("not-it-7q2x").toString()))))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageStartingWith(
                        "--jdbc.password-file: PostgreSQL refused user 'pwcheck' with the password of the file")
                .hasMessageNotContaining("not-it-7q2x");
    }

    /**
     * The test server trusts every login; this one user must give its password (a pg_hba.conf line
     * of its own, first, so nothing else changes for the other tests on the server).
     */
    private static synchronized void passwordCheckedUser() throws Exception {
        try (Connection c = SERVERS.postgres().connect();
                Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SHOW hba_file");
            rs.next();
            Path hba = Path.of(rs.getString(1));
            String lines = Files.readString(hba);
            if (!lines.contains(" pwcheck ")) {
                st.execute("CREATE ROLE pwcheck LOGIN PASSWORD 'right'");
                Files.writeString(hba, "host all pwcheck 127.0.0.1/32 scram-sha-256\n" + lines);
                st.execute("SELECT pg_reload_conf()");
            }
        }
    }

    @Test
    void noPasswordAtAllNamesThePasswordAndItsVariable() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        Map<String, String> o = new HashMap<>(p.options(Map.of()));
        o.remove("jdbc.password-file");
        assertThatThrownBy(() -> StartupChecks.run(SpotMatchOptions.fromMap(o, Map.of())))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--jdbc.password-file: is required (or set SPOTMATCH_JDBC_PASSWORD): the environment"
                        + " variable SPOTMATCH_JDBC_PASSWORD is not set");
    }

    @Test
    void anUnreachableDatabaseNamesTheUrl() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> StartupChecks.run(
                        options(p, Map.of("jdbc.url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/spotmatch"))))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageStartingWith("--jdbc.url: cannot connect to PostgreSQL");
    }
}
