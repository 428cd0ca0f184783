package io.spotmatch.job.local;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.spotmatch.job.CommandLine;
import io.spotmatch.job.Schema;
import io.spotmatch.job.SpotMatchJob;
import io.spotmatch.job.SpotMatchOptions;
import io.spotmatch.job.load.LoadGenerator;
import io.spotmatch.marketdata.MarketData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Runs everything on this machine with nothing installed: a real Kafka broker and a real
 * PostgreSQL in this JVM's reach, the job on a local Flink with its web UI, and a synthetic order
 * flow over a few demo symbols (with a little poison). Shows progress while it runs and ends with
 * what PostgreSQL holds: trades and top of book per symbol.
 */
public final class LocalRunner {

    private static final String GROUP = "spotmatch-local";

    static final ConfigOption<Integer> SECONDS =
            key("seconds").intType().defaultValue(20).withDescription("How long the synthetic flow runs.");
    static final ConfigOption<Integer> RATE =
            key("rate").intType().defaultValue(3000).withDescription("Orders per second.");
    static final ConfigOption<Integer> SYMBOLS =
            key("symbols").intType().defaultValue(8).withDescription("Symbols in the flow.");
    static final ConfigOption<Integer> PARALLELISM =
            key("parallelism").intType().defaultValue(2).withDescription("Parallelism of the job.");
    static final ConfigOption<Integer> UI_PORT =
            key("ui-port").intType().defaultValue(8081).withDescription("Port of Flink's web UI.");
    static final ConfigOption<Long> SEED =
            key("seed").longType().defaultValue(1L).withDescription("Seed of the synthetic flow.");
    static final ConfigOption<Integer> METRICS_PORT = key("metrics-port")
            .intType()
            .defaultValue(0)
            .withDescription("Port of the Prometheus reporter's endpoint (README, Watch it); 0: a free one.");
    static final List<ConfigOption<?>> OPTIONS =
            List.of(SECONDS, RATE, SYMBOLS, PARALLELISM, UI_PORT, SEED, METRICS_PORT);

    public static void main(String[] args) throws Exception {
        System.setProperty("log4j2.configurationFile", "log4j2-local.properties");
        CommandLine a = CommandLine.parse(args, OPTIONS);
        int seconds = a.get(SECONDS);
        int rate = a.get(RATE);
        int symbols = a.get(SYMBOLS);
        int parallelism = a.get(PARALLELISM);

        say("Starting Kafka (KRaft) and PostgreSQL ...");
        try (EmbeddedKafka kafka = startKafka();
                EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            say("  Kafka      %s", kafka.bootstrapServers());
            say("  PostgreSQL %s (user postgres)", postgres.jdbcUrl());
            kafka.createTopic("orders", 4);
            kafka.createTopic("order-events", 4);
            kafka.createTopic("orders-dlq", 1);
            kafka.createTopic("orders-admin", 1); // the relay runs, though the load generator signs its own listings
            kafka.createTopic("funds", 4);
            kafka.createTopic("balances", 4);
            for (io.spotmatch.marketdata.MarketData.Kind k : io.spotmatch.marketdata.MarketData.Kind.values()) {
                kafka.createTopic(k.topic("market."), 4);
            }
            try (Connection c = postgres.connect()) {
                Schema.apply(c);
            }

            Map<String, String> options = new LinkedHashMap<>();
            options.put("kafka.bootstrap-servers", kafka.bootstrapServers());
            options.put("kafka.group-id", GROUP);
            options.put("jdbc.url", postgres.jdbcUrl());
            options.put("jdbc.user", EmbeddedPostgres.USER);
            options.put("job.checkpoint-interval", "2 s");
            options.put("job.parallelism", Integer.toString(parallelism));
            SpotMatchOptions jobOptions = SpotMatchOptions.fromMap(
                    options,
                    Map.of(
                            SpotMatchOptions.ADMIN_KEY_ENV,
                            io.spotmatch.load.AdminSigning.KEY,
                            "SPOTMATCH_JDBC_PASSWORD",
                            EmbeddedPostgres.PASSWORD));

            // Before the job starts, so the ledger sees the deposits before the first order holds funds.
            say("Depositing funds for %,d users ...", depositFunds(kafka.bootstrapServers(), symbols));
            Configuration conf = SpotMatchJob.jobConfiguration(jobOptions);
            conf.set(RestOptions.PORT, a.get(UI_PORT));
            LocalCluster.onLoopback(conf);
            conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
            Path checkpoints = Files.createTempDirectory("spotmatch-local-checkpoints");
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    checkpoints.toUri().toString());
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
            // As flink-conf/config.yaml configures the cluster's reporter; the progress lines read it too.
            int metricsPort = a.get(METRICS_PORT) > 0 ? a.get(METRICS_PORT) : JobMetrics.freePort();
            conf.setString("metrics.reporters", "prom");
            conf.setString(
                    "metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", Integer.toString(metricsPort));
            JobMetrics metrics = new JobMetrics(metricsPort);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            SpotMatchJob.build(env, jobOptions);
            JobClient job = env.executeAsync("SpotMatch (local)");
            say("Flink job %s running; web UI at http://127.0.0.1:%s", job.getJobID(), a.get(UI_PORT));

            LoadGenerator generator = new LoadGenerator(new LoadGenerator.Settings(
                    kafka.bootstrapServers(), "orders", symbols, (long) rate * seconds, rate, a.get(SEED), 200));
            Thread producer = new Thread(generator::run, "load-generator");
            say(
                    "Sending %,d orders over %d symbols at %,d/s (with a few poison records) ...",
                    (long) rate * seconds, symbols, rate);
            long start = System.nanoTime();
            TopOfBook top = new TopOfBook(kafka.bootstrapServers(), MarketData.Kind.BBO.topic("market."));
            top.start();
            producer.start();
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                long lastSent = 0;
                long lastCommands = 0;
                long deadline = Long.MAX_VALUE;
                while (true) {
                    Thread.sleep(2000);
                    long sent = generator.sent();
                    long lag = lag(admin);
                    say(
                            "[%3ds] sent %,9d (%,6d/s) | behind %,7d | events %,9d | trades in PostgreSQL %,8d | dead letters %,d",
                            (System.nanoTime() - start) / 1_000_000_000L,
                            sent,
                            (sent - lastSent) / 2,
                            lag,
                            EmbeddedKafka.records(admin, "order-events"),
                            postgres.queryLong("SELECT count(*) FROM trades"),
                            EmbeddedKafka.records(admin, "orders-dlq"));
                    JobMetrics.Reading took = metrics.read();
                    say(
                            "       job  took %,9d (%,6d/s) | order to first event p50 %s ms, p99 %s ms, p99.9 %s ms",
                            took.commands(),
                            (took.commands() - lastCommands) / 2,
                            took.latency("0.5"),
                            took.latency("0.99"),
                            took.latency("0.999"));
                    say("       top of book (market.bbo) %s", top.line(3));
                    lastSent = sent;
                    lastCommands = took.commands();
                    if (!producer.isAlive() && deadline == Long.MAX_VALUE) {
                        deadline = System.nanoTime() + 60_000_000_000L;
                    }
                    if (!producer.isAlive() && lag == 0 || System.nanoTime() > deadline) {
                        break;
                    }
                }
            }
            withdraw(kafka.bootstrapServers(), postgres);
            job.cancel().get();
            summary(postgres, kafka);
            say("Done. (Everything ran in this JVM and is gone now.)");
        }
        System.exit(0);
    }

    /** The newest best bid and offer per symbol, as a client of the market-data topic sees it. */
    static final class TopOfBook extends Thread {
        private static final Pattern FIELDS = Pattern.compile(
                "\"symbol\":\"([^\"]+)\".*\"bidPrice\":(null|\"[^\"]+\"),\"bidQuantity\":(null|\"[^\"]+\"),"
                        + "\"askPrice\":(null|\"[^\"]+\"),\"askQuantity\":(null|\"[^\"]+\")");
        private final java.util.Properties props = new java.util.Properties();
        private final String topic;
        private final Map<String, String> latest = new java.util.concurrent.ConcurrentSkipListMap<>();

        TopOfBook(String bootstrap, String topic) {
            super("top-of-book");
            setDaemon(true);
            this.topic = topic;
            props.put("bootstrap.servers", bootstrap);
            props.put("key.deserializer", ByteArrayDeserializer.class.getName());
            props.put("value.deserializer", ByteArrayDeserializer.class.getName());
            props.put("auto.offset.reset", "earliest");
            props.put("group.id", "local-top-of-book");
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
                c.subscribe(List.of(topic));
                while (true) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                        Matcher m = FIELDS.matcher(new String(r.value(), StandardCharsets.UTF_8));
                        if (m.find()) {
                            latest.put(
                                    m.group(1),
                                    unquote(m.group(2)) + " (" + unquote(m.group(3)) + ") / " + unquote(m.group(4))
                                            + " (" + unquote(m.group(5)) + ")");
                        }
                    }
                }
            } catch (RuntimeException e) {
                // the broker goes away at the end of the run
            }
        }

        private static String unquote(String s) {
            return s.equals("null") ? "-" : s.substring(1, s.length() - 1);
        }

        /** The first {@code n} symbols by name: bid (qty) / ask (qty). */
        String line(int n) {
            StringBuilder sb = new StringBuilder();
            latest.entrySet().stream()
                    .limit(n)
                    .forEach(
                            e -> sb.append(" | ").append(e.getKey()).append(' ').append(e.getValue()));
            return sb.length() == 0 ? "| (none yet)" : sb.substring(1);
        }
    }

    private static EmbeddedKafka startKafka() {
        try {
            return EmbeddedKafka.start(9092, Map.of());
        } catch (RuntimeException portTaken) {
            return EmbeddedKafka.start(Map.of());
        }
    }

    static final long USERS = 1_000;

    /**
     * Every synthetic user gets the same deposit of each asset of the flow, so settlement has
     * something to hold; a user who spends more still trades (the engine does not check funds) and
     * shows up in the overdrafts view.
     */
    private static long depositFunds(String bootstrap, int symbols) {
        List<String> assets = new ArrayList<>(List.of("USDT"));
        for (int i = 0; i < symbols; i++) {
            String symbol = io.spotmatch.load.OrderStream.symbolName(i);
            assets.add(symbol.substring(0, symbol.indexOf('-')));
        }
        List<String> deposits = new ArrayList<>();
        for (long user = 1; user <= USERS; user++) {
            for (String asset : assets) {
                deposits.add("{\"type\":\"DEPOSIT\",\"txId\":\"open-" + asset + "-" + user + "\",\"userId\":" + user
                        + ",\"asset\":\"" + asset + "\",\"amount\":\""
                        + (asset.equals("USDT") ? "100000000" : "10000") + "\"}");
            }
        }
        sendFunds(bootstrap, deposits);
        return USERS;
    }

    /** Funds commands onto the funds topic, each keyed by its {@code userId} as the topic requires. */
    private static void sendFunds(String bootstrap, List<String> commands) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.idempotence", "true");
        p.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        p.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        Pattern userId = Pattern.compile("\"userId\":(\\d+)");
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(p)) {
            for (String json : commands) {
                Matcher m = userId.matcher(json);
                m.find();
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                        "funds", m.group(1).getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /**
     * A newcomer's withdrawal, sent twice as a retrying gateway would: one ledger row, and the
     * balance moves once.
     */
    private static void withdraw(String bootstrap, EmbeddedPostgres pg) throws Exception {
        String balance = "SELECT available FROM balances WHERE account = 1 AND asset = 'USDT'";
        String json = "{\"type\":\"WITHDRAW\",\"txId\":\"local-wd-1\",\"userId\":1,\"asset\":\"USDT\","
                + "\"amount\":\"1000\"}";
        java.math.BigDecimal before = queryDecimal(pg, balance);
        say("");
        say("User 1 withdraws 1000 USDT (txId local-wd-1), sent twice; available USDT before: %s", before);
        sendFunds(bootstrap, List.of(json, json));
        long deadline = System.nanoTime() + 60_000_000_000L;
        String rows = "SELECT count(*) FROM ledger WHERE tx_id = 'local-wd-1'";
        while (pg.queryLong(rows) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        Thread.sleep(3000); // two checkpoints: a second row or a second change would be written by now
        say(
                "  ledger rows for local-wd-1: %d | available USDT after: %s",
                pg.queryLong(rows), queryDecimal(pg, balance));
    }

    private static java.math.BigDecimal queryDecimal(EmbeddedPostgres pg, String sql) throws SQLException {
        try (Connection c = pg.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getBigDecimal(1).stripTrailingZeros() : java.math.BigDecimal.ZERO;
        }
    }

    /** Orders not yet processed and checkpointed: the group's committed offsets lag the topic's end. */
    private static long lag(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata()
                .get();
        long end = EmbeddedKafka.records(admin, "orders");
        // The group also commits the funds topic's offsets: only the orders topic's count here.
        long done = committed.entrySet().stream()
                .filter(e -> e.getKey().topic().equals("orders") && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
        return end - done;
    }

    private static void summary(EmbeddedPostgres pg, EmbeddedKafka kafka) throws SQLException {
        say("");
        say("What PostgreSQL holds now:");
        say(
                "%-10s %8s %14s %12s   %-24s %-24s %6s",
                "symbol", "trades", "volume", "last price", "best bid (qty)", "best ask (qty)", "open");
        String sql = """
                SELECT s.symbol,
                  (SELECT count(*) FROM trades t WHERE t.symbol = s.symbol),
                  (SELECT coalesce(sum(quantity), 0) FROM trades t WHERE t.symbol = s.symbol),
                  (SELECT price FROM trades t WHERE t.symbol = s.symbol ORDER BY trade_id DESC LIMIT 1),
                  (SELECT price || ' (' || sum(remaining_quantity) || ')' FROM orders_view o WHERE o.symbol = s.symbol
                     AND side = 'BUY' AND status IN ('NEW', 'PARTIALLY_FILLED')
                     GROUP BY price ORDER BY price DESC LIMIT 1),
                  (SELECT price || ' (' || sum(remaining_quantity) || ')' FROM orders_view o WHERE o.symbol = s.symbol
                     AND side = 'SELL' AND status IN ('NEW', 'PARTIALLY_FILLED') GROUP BY price ORDER BY price LIMIT 1),
                  (SELECT count(*) FROM orders o WHERE o.symbol = s.symbol AND status IN ('NEW', 'PARTIALLY_FILLED'))
                FROM (SELECT DISTINCT symbol FROM orders) s ORDER BY 2 DESC""";
        try (Connection c = pg.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                say(
                        "%-10s %,8d %14s %12s   %-24s %-24s %,6d",
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getBigDecimal(3).toPlainString(),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getLong(7));
            }
        }
        say("");
        List<String> lines = new ArrayList<>();
        try (Connection c = pg.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT status, count(*) FROM orders GROUP BY status ORDER BY status")) {
            while (rs.next()) {
                lines.add(rs.getString(1) + " " + String.format(Locale.ROOT, "%,d", rs.getLong(2)));
            }
        }
        say("Orders by status: %s", lines.stream().collect(Collectors.joining(", ")));
        say("");
        say("Balances (balances table; per asset, available + held must equal deposits - withdrawals, and the");
        say("ledger's rows of trades, fees, holds and releases must sum to 0):");
        say(
                "%-8s %22s %22s %20s %10s %16s",
                "asset", "available", "held", "fees (account 0)", "overdrafts", "ledger (trading)");
        try (Connection c = pg.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("""
                SELECT asset, sum(available), sum(held), coalesce(sum(available) FILTER (WHERE account = 0), 0),
                  count(*) FILTER (WHERE available < 0 OR held < 0),
                  coalesce((SELECT sum(l.available + l.held) FROM ledger l
                      WHERE l.asset = b.asset AND l.tx_id <> ''), 0),
                  coalesce((SELECT sum(l.available + l.held) FROM ledger l
                      WHERE l.asset = b.asset AND l.tx_id = ''), 0)
                FROM balances b GROUP BY asset ORDER BY asset""")) {
            while (rs.next()) {
                java.math.BigDecimal total = rs.getBigDecimal(2).add(rs.getBigDecimal(3));
                say(
                        "%-8s %22s %22s %20s %,10d %16s%s",
                        rs.getString(1),
                        rs.getBigDecimal(2).stripTrailingZeros().toPlainString(),
                        rs.getBigDecimal(3).stripTrailingZeros().toPlainString(),
                        rs.getBigDecimal(4).stripTrailingZeros().toPlainString(),
                        rs.getLong(5),
                        rs.getBigDecimal(7).stripTrailingZeros().toPlainString(),
                        total.compareTo(rs.getBigDecimal(6)) == 0
                                ? ""
                                : "   NOT CONSERVED: deposits - withdrawals " + rs.getBigDecimal(6));
            }
        }
        say("Dead letters are in topic orders-dlq, each with its reason in the spotmatch.error.* headers.");
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
