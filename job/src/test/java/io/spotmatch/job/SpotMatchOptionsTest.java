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
        assertThatThrownBy(() -> parse().jdbcPassword())
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--jdbc.password-file: is required (or set SPOTMATCH_JDBC_PASSWORD): the environment"
                        + " variable SPOTMATCH_JDBC_PASSWORD is not set");
        assertThatThrownBy(() -> SpotMatchOptions.fromArgs(new String[0], Map.of("SPOTMATCH_JDBC_PASSWORD", ""))
                        .jdbcPassword())
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("--jdbc.password-file");
    }

    @Test
    void theSinksUrlCarriesTheTimeouts() {
        SpotMatchOptions o = parse(
                "--jdbc.url",
                "jdbc:postgresql://db:5432/spotmatch?ssl=true",
                "--jdbc.statement-timeout",
                "30 s",
                "--jdbc.lock-timeout",
                "1500 ms",
                "--jdbc.socket-timeout",
                "45 s",
                "--jdbc.connect-timeout",
                "200 ms");
        assertThat(o.jdbcSessionUrl())
                .isEqualTo("jdbc:postgresql://db:5432/spotmatch?ssl=true&connectTimeout=1"
                        + "&loginTimeout=1&socketTimeout=45&options=-c%20statement_timeout%3D30000%20-c%20lock_timeout%3D1500"
                        + "%20-c%20idle_in_transaction_session_timeout%3D45000");
    }

    @Test
    void readsTypedValues() {
        SpotMatchOptions o = parse(
                "--kafka.starting-offsets",
                "OFFSETS",
                "--kafka.starting-offsets-by-partition",
                "0:12, 3:7",
                "--jdbc.batch-interval",
                "50 ms",
                "--kafka.events-delivery",
                "EXACTLY_ONCE",
                "--kafka.bounded",
                "TIMESTAMP",
                "--kafka.stopping-timestamp",
                "1767225600000");
        assertThat(o.startingOffsetsByPartition()).containsExactly(Map.entry(0, 12L), Map.entry(3, 7L));
        assertThat(o.jdbcBatchInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(o.eventsDelivery()).isEqualTo(SpotMatchOptions.Delivery.EXACTLY_ONCE);
        assertThat(o.stoppingTimestamp()).isEqualTo(1_767_225_600_000L);
    }

    @Test
    void passwordComesFromTheEnvironmentUnlessAFileIsGiven(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        assertThat(SpotMatchOptions.fromArgs(new String[0], Map.of("SPOTMATCH_JDBC_PASSWORD", "s3cret"))
                        .jdbcPassword())
                .isEqualTo("s3cret");
        Path file = Files.writeString(dir.resolve("pw"), "from-file\r\n");
        assertThat(SpotMatchOptions.fromArgs(
                                new String[] {"--jdbc.password-file", file.toString()},
                                Map.of("SPOTMATCH_JDBC_PASSWORD", "s3cret"))
                        .jdbcPassword())
                .isEqualTo("from-file");
        assertThatThrownBy(() -> SpotMatchOptions.fromArgs(new String[] {"--jdbc.password", "given"}))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("unknown option --jdbc.password; see --help");
    }

    /**
     * The sinks and the signature hold where a secret is kept, not the secret: their serialized form
     * (the job graph) does not contain it, and they still read it where they run.
     */
    @Test
    void secretsReadFromTheProcessEnvironmentOrAFileAreNotInTheJobGraph(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        String password = "pw-" + "9f3a1c7e5b";
        Path pw = Files.writeString(dir.resolve("pw"), password + "\n");
        Path key = Files.writeString(dir.resolve("key"), KEY + "\n");
        SpotMatchOptions o = SpotMatchOptions.fromArgs(
                new String[] {"--jdbc.password-file", pw.toString(), "--admin.key-file", key.toString()});
        org.apache.flink.connector.jdbc.JdbcConnectionOptions options =
                new org.apache.flink.connector.jdbc.JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                        .withUrl(o.jdbcSessionUrl())
                        .withUsername(o.jdbcUser())
                        .build();
        TaskSideConnectionProvider provider = new TaskSideConnectionProvider(options, o.jdbcPasswordSecret(), 3);
        io.spotmatch.flink.OrderRowSink orders = new io.spotmatch.flink.OrderRowSink(
                o.jdbcSessionUrl(),
                o.jdbcUser(),
                o.jdbcPasswordSecret(),
                10,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                3);
        AdminSignature signature = o.adminSignature();
        for (Object operatorPart : new Object[] {provider, orders, signature}) {
            byte[] bytes = org.apache.flink.util.InstantiationUtil.serializeObject(operatorPart);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            assertThat(text)
                    .as(operatorPart.getClass().getSimpleName())
                    .doesNotContain(password)
                    .doesNotContain(KEY)
                    .contains(dir.toString());
        }
        TaskSideConnectionProvider onTask = org.apache.flink.util.InstantiationUtil.deserializeObject(
                org.apache.flink.util.InstantiationUtil.serializeObject(provider),
                getClass().getClassLoader());
        assertThat(onTask.getProperties()).containsEntry("password", password).containsEntry("user", "spotmatch");
        AdminSignature signatureOnTask = org.apache.flink.util.InstantiationUtil.deserializeObject(
                org.apache.flink.util.InstantiationUtil.serializeObject(signature),
                getClass().getClassLoader());
        assertThat(signatureOnTask.mac(new byte[] {1}, new byte[] {2}, "a/0/1"))
                .isEqualTo(new AdminSignature(KEY.getBytes(StandardCharsets.UTF_8))
                        .mac(new byte[] {1}, new byte[] {2}, "a/0/1"));
        assertThat(provider.toString()).doesNotContain(password);
    }

    @Test
    void kafkaPropertiesPassThroughByPrefixAndTheJobsOwnAreRefused() {
        SpotMatchOptions o = parse(
                "--kafka.properties.security.protocol",
                "SASL_SSL",
                "--kafka.properties.sasl.mechanism",
                "SCRAM-SHA-512",
                "--kafka.properties.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule"
                        + " required username=\"spotmatch\" password=\"hunter2\";");
        assertThat(o.kafkaProperties())
                .containsOnlyKeys("security.protocol", "sasl.mechanism", "sasl.jaas.config")
                .containsEntry("security.protocol", "SASL_SSL");
        for (String own : new String[] {"bootstrap.servers", "isolation.level", "group.id", "transactional.id"}) {
            assertThatThrownBy(() -> parse("--kafka.properties." + own, "x"))
                    .isInstanceOf(InvalidOptionException.class)
                    .hasMessageStartingWith("--kafka.properties.<name> may not set " + own);
        }
        assertThatThrownBy(() -> parse("--kafka.properties.", "x"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageStartingWith("unknown option --kafka.properties.");
        assertThat(CommandLine.isSecret("sasl.jaas.config")).isTrue();
        assertThat(CommandLine.isSecret("ssl.keystore.password")).isTrue();
        assertThat(SpotMatchOptions.help())
                .contains("--kafka.properties.<name>")
                .doesNotContain("hunter2");
        assertThat(o.literalKafkaSecrets()).containsExactly("sasl.jaas.config");
        assertThat(parse(
                                "--kafka.properties.sasl.jaas.config",
                                "${env:KAFKA_JAAS}",
                                "--kafka.properties.ssl.key.password",
                                "${file:/etc/kafka/secrets.properties:key}")
                        .literalKafkaSecrets())
                .isEmpty();
    }

    /** Every Kafka client of the job gets the pass-through properties; the job's own settings stay. */
    @Test
    void everyKafkaClientOfTheJobGetsThePassThroughProperties() throws Exception {
        SpotMatchOptions o = SpotMatchOptions.fromArgs(
                new String[] {
                    "--kafka.properties.security.protocol",
                    "SSL",
                    "--kafka.properties.linger.ms",
                    "20",
                    "--kafka.events-delivery",
                    "EXACTLY_ONCE"
                },
                Map.of("SPOTMATCH_ADMIN_KEY", KEY));
        Object orders = field(SpotMatchJob.source(o, o.adminSignature()), "props");
        assertThat((java.util.Properties) orders)
                .containsEntry("security.protocol", "SSL")
                .containsEntry("isolation.level", "read_committed");
        assertThat((java.util.Properties) field(SpotMatchJob.adminSource(o), "props"))
                .containsEntry("security.protocol", "SSL")
                .containsEntry("isolation.level", "read_committed");
        for (SpotMatchOptions.Delivery d : SpotMatchOptions.Delivery.values()) {
            Object sink = SpotMatchJob.kafkaSink(o, new io.spotmatch.flink.OrderEventSerializationSchema("t"), d, "x");
            assertThat((java.util.Properties) field(sink, "kafkaProducerConfig"))
                    .as(d.name())
                    .containsEntry("security.protocol", "SSL")
                    .containsEntry("linger.ms", "20")
                    .containsEntry("compression.type", "lz4");
        }
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            value = {
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
                "--jdbc.url                | jdbc:postgresql://db/x?user=a&password=p | --jdbc.url must not hold a password",
                "--jdbc.url                | jdbc:postgresql://db/x?sslmode=verify-full&sslpassword=p | --jdbc.url must not hold a password",
                "--job.parallelism         | 500     | --job.parallelism must not exceed job.max-parallelism",
                "--kafka.admin-topic       | orders  | --kafka.admin-topic must differ from the orders, events and dead-letter topics",
                "--kafka.admin-topic       | orders-dlq | --kafka.admin-topic must differ from the orders, events and dead-letter topics",
                "--kafka.admin-topic       | a/b     | --kafka.admin-topic is not a valid Kafka topic name",
            })
    void invalidConfigurationFailsNamingTheOption(String option, String value, String message) {
        assertThatThrownBy(() -> parse(option, value))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining(message);
    }

    static final String KEY = "0123456789abcdef0123456789abcdef";

    @Test
    void theAdminKeyComesFromTheEnvironmentOrAFileAndIsRequired(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        AdminSignature fromEnv = SpotMatchOptions.fromArgs(new String[0], Map.of("SPOTMATCH_ADMIN_KEY", KEY + "\n"))
                .adminSignature();
        byte[] mac =
                new AdminSignature(KEY.getBytes(StandardCharsets.UTF_8)).mac(new byte[] {1}, new byte[] {2}, "a/0/1");
        assertThat(fromEnv.mac(new byte[] {1}, new byte[] {2}, "a/0/1")).isEqualTo(mac);
        Path file = Files.writeString(dir.resolve("admin.key"), KEY + "\n");
        AdminSignature fromFile = SpotMatchOptions.fromArgs(
                        new String[] {"--admin.key-file", file.toString()},
                        Map.of("SPOTMATCH_ADMIN_KEY", "the file wins over this environment value"))
                .adminSignature();
        assertThat(fromFile.mac(new byte[] {1}, new byte[] {2}, "a/0/1")).isEqualTo(mac);

        assertThatThrownBy(() -> parse().adminSignature())
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("SPOTMATCH_ADMIN_KEY")
                .hasMessageContaining("--admin.key-file");
        assertThatThrownBy(() -> SpotMatchOptions.fromArgs(new String[0], Map.of("SPOTMATCH_ADMIN_KEY", "short"))
                        .adminSignature())
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("at least 32");
        assertThatThrownBy(
                        () -> parse("--admin.key-file", dir.resolve("missing").toString())
                                .adminSignature())
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("--admin.key-file: cannot read");
        assertThat(parse().adminTopic()).isEqualTo("orders-admin");
        assertThat(parse("--kafka.admin-topic", "").adminTopic())
                .as("relay off")
                .isNull();
        assertThat(parse().toMap()).doesNotContainValue(KEY);
    }

    @Test
    void malformedCommandLinesAreRefused() {
        assertThatThrownBy(() -> parse("--jdbc.url")).hasMessageContaining("--jdbc.url needs a value");
        assertThatThrownBy(() -> parse("jdbc.url", "x")).hasMessageContaining("expected --option value");
        assertThatThrownBy(() ->
                        parse("--kafka.starting-offsets", "OFFSETS", "--kafka.starting-offsets-by-partition", "0-12"))
                .hasMessageContaining("'0-12' is not partition:offset");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        String help = SpotMatchOptions.help();
        for (ConfigOption<?> o : SpotMatchOptions.ALL) {
            assertThat(help).contains("--" + o.key());
        }
        assertThat(help).contains("(default: orders)", "SPOTMATCH_JDBC_PASSWORD");
    }

    /**
     * A secret Kafka property given as ${env:NAME} is resolved by the Kafka client where it runs
     * (the TaskManager), with the env config provider the manifest enables: the job graph and the
     * command line hold only the reference.
     */
    @Test
    void kafkaClientsResolveEnvReferencesThemselves() {
        SpotMatchOptions o = parse(
                "--kafka.properties.config.providers",
                "env",
                "--kafka.properties.config.providers.env.class",
                "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "--kafka.properties.sasl.jaas.config",
                "${env:PATH}");
        java.util.Map<String, Object> props = new java.util.HashMap<>(o.kafkaProperties());
        props.put("bootstrap.servers", "localhost:9092");
        props.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        org.apache.kafka.clients.consumer.ConsumerConfig config =
                new org.apache.kafka.clients.consumer.ConsumerConfig(props);
        assertThat(config.getPassword("sasl.jaas.config").value()).isEqualTo(System.getenv("PATH"));
        assertThat(config.getPassword("sasl.jaas.config").toString()).isEqualTo("[hidden]");
    }
}
