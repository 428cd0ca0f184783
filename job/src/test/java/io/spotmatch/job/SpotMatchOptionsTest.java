package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.job.CommandLine.InvalidOptionException;
import io.spotmatch.wire.AdminSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpotMatchOptionsTest {

    private static SpotMatchOptions parse(String... args) {
        return SpotMatchOptions.fromArgs(args, Map.of());
    }

    @Test
    void defaultsAreThoseDocumented() {
        SpotMatchOptions o = parse();
        assertThat(o.ordersTopic()).isEqualTo("orders");
        assertThat(o.eventsTopic()).isEqualTo("order-events");
        assertThat(o.deadLetterTopic()).isEqualTo("orders-dlq");
        assertThat(o.eventsDelivery()).isEqualTo(SpotMatchOptions.Delivery.AT_LEAST_ONCE);
        assertThat(o.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.maxParallelism()).isEqualTo(128);
        assertThat(o.deadLetterMaxBytes()).isEqualTo(256 * 1024);
        assertThat(o.startupChecks()).isTrue();
    }

    @Test
    void noPasswordIsAnErrorNamingTheOptionAndTheVariable() {
        assertThatThrownBy(() -> parse().jdbcPassword()).isInstanceOf(InvalidOptionException.class)
                .hasMessage("--jdbc.password: is required (or set SPOTMATCH_JDBC_PASSWORD)");
        assertThatThrownBy(() -> SpotMatchOptions.fromArgs(new String[0], Map.of("SPOTMATCH_JDBC_PASSWORD", ""))
                .jdbcPassword()).isInstanceOf(InvalidOptionException.class).hasMessageContaining("--jdbc.password");
    }

    @Test
    void theSinksUrlCarriesTheTimeouts() {
        SpotMatchOptions o = parse("--jdbc.url", "jdbc:postgresql://db:5432/spotmatch?ssl=true",
                "--jdbc.statement-timeout", "30 s", "--jdbc.lock-timeout", "1500 ms", "--jdbc.socket-timeout", "45 s",
                "--jdbc.connect-timeout", "200 ms");
        assertThat(o.jdbcSessionUrl()).isEqualTo("jdbc:postgresql://db:5432/spotmatch?ssl=true&connectTimeout=1"
                + "&loginTimeout=1&socketTimeout=45&options=-c%20statement_timeout%3D30000%20-c%20lock_timeout%3D1500"
                + "%20-c%20idle_in_transaction_session_timeout%3D45000");
    }

    @Test
    void readsTypedValues() {
        SpotMatchOptions o = parse("--kafka.starting-offsets", "OFFSETS", "--kafka.starting-offsets-by-partition",
                "0:12, 3:7", "--jdbc.batch-interval", "50 ms", "--kafka.events-delivery", "EXACTLY_ONCE",
                "--kafka.bounded", "TIMESTAMP", "--kafka.stopping-timestamp", "1767225600000");
        assertThat(o.startingOffsetsByPartition()).containsExactly(Map.entry(0, 12L), Map.entry(3, 7L));
        assertThat(o.jdbcBatchInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(o.eventsDelivery()).isEqualTo(SpotMatchOptions.Delivery.EXACTLY_ONCE);
        assertThat(o.stoppingTimestamp()).isEqualTo(1_767_225_600_000L);
    }

    @Test
    void passwordComesFromTheEnvironmentUnlessGiven() {
        assertThat(SpotMatchOptions.fromArgs(new String[0], Map.of("SPOTMATCH_JDBC_PASSWORD", "s3cret")).jdbcPassword())
                .isEqualTo("s3cret");
        assertThat(SpotMatchOptions.fromArgs(new String[] {"--jdbc.password", "given"},
                Map.of("SPOTMATCH_JDBC_PASSWORD", "s3cret")).jdbcPassword()).isEqualTo("given");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--kafka.bootstrap-server  | x       | unknown option --kafka.bootstrap-server",
        "--jdbc.batch-size         | many    | --jdbc.batch-size: cannot read 'many'",
        "--jdbc.batch-size         | 0       | --jdbc.batch-size must be positive",
        "--kafka.events-delivery   | NONE    | --kafka.events-delivery: cannot read 'NONE': expected one of AT_LEAST_ONCE, EXACTLY_ONCE",
        "--job.checkpoint-interval | soon    | --job.checkpoint-interval: cannot read 'soon'",
        "--kafka.starting-offsets  | TIMESTAMP | --kafka.starting-timestamp is required",
        "--kafka.bounded           | TIMESTAMP | --kafka.stopping-timestamp is required",
        "--kafka.orders-topic      | bad topic | --kafka.orders-topic is not a valid Kafka topic name",
        "--kafka.dead-letter-max-bytes | 4096 | --kafka.dead-letter-max-bytes must be at least 8192",
        "--jdbc.statement-timeout  | 5 min   | --jdbc.socket-timeout must be longer than jdbc.statement-timeout",
        "--jdbc.lock-timeout       | 0 ms    | --jdbc.lock-timeout must be at least 1 ms",
        "--jdbc.url                | jdbc:mysql://x/y | --jdbc.url must be a jdbc:postgresql: URL",
        "--job.parallelism         | 500     | --job.parallelism must not exceed job.max-parallelism",
        "--kafka.admin-topic       | orders  | --kafka.admin-topic must differ from the orders, events and dead-letter topics",
        "--kafka.admin-topic       | orders-dlq | --kafka.admin-topic must differ from the orders, events and dead-letter topics",
        "--kafka.admin-topic       | a/b     | --kafka.admin-topic is not a valid Kafka topic name",
    })
    void invalidConfigurationFailsNamingTheOption(String option, String value, String message) {
        assertThatThrownBy(() -> parse(option, value)).isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining(message);
    }

    static final String KEY = "0123456789abcdef0123456789abcdef";

    @Test
    void theAdminKeyComesFromTheEnvironmentOrAFileAndIsRequired(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        AdminSignature fromEnv = SpotMatchOptions.fromArgs(new String[0], Map.of("SPOTMATCH_ADMIN_KEY", KEY + "\n"))
                .adminSignature();
        byte[] mac = new AdminSignature(KEY.getBytes(StandardCharsets.UTF_8)).mac(new byte[] {1}, new byte[] {2}, "a/0/1");
        assertThat(fromEnv.mac(new byte[] {1}, new byte[] {2}, "a/0/1")).isEqualTo(mac);
        Path file = Files.writeString(dir.resolve("admin.key"), KEY + "\n");
        AdminSignature fromFile = SpotMatchOptions.fromArgs(new String[] {"--admin.key-file", file.toString()},
                Map.of("SPOTMATCH_ADMIN_KEY", "the file wins over this environment value")).adminSignature();
        assertThat(fromFile.mac(new byte[] {1}, new byte[] {2}, "a/0/1")).isEqualTo(mac);

        assertThatThrownBy(() -> parse().adminSignature()).isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("SPOTMATCH_ADMIN_KEY").hasMessageContaining("--admin.key-file");
        assertThatThrownBy(() -> SpotMatchOptions.fromArgs(new String[0], Map.of("SPOTMATCH_ADMIN_KEY", "short"))
                .adminSignature()).isInstanceOf(InvalidOptionException.class).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> parse("--admin.key-file", dir.resolve("missing").toString()).adminSignature())
                .isInstanceOf(InvalidOptionException.class).hasMessageContaining("--admin.key-file: cannot read");
        assertThat(parse().adminTopic()).isEqualTo("orders-admin");
        assertThat(parse("--kafka.admin-topic", "").adminTopic()).as("relay off").isNull();
        assertThat(parse().toMap()).doesNotContainValue(KEY);
    }

    @Test
    void malformedCommandLinesAreRefused() {
        assertThatThrownBy(() -> parse("--jdbc.url")).hasMessageContaining("--jdbc.url needs a value");
        assertThatThrownBy(() -> parse("jdbc.url", "x")).hasMessageContaining("expected --option value");
        assertThatThrownBy(() -> parse("--kafka.starting-offsets", "OFFSETS", "--kafka.starting-offsets-by-partition",
                "0-12")).hasMessageContaining("'0-12' is not partition:offset");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        String help = SpotMatchOptions.help();
        for (ConfigOption<?> o : SpotMatchOptions.ALL) {
            assertThat(help).contains("--" + o.key());
        }
        assertThat(help).contains("(default: orders)", "SPOTMATCH_JDBC_PASSWORD");
    }
}
