package io.spotmatch.job.local;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.spotmatch.job.CommandLine;
import io.spotmatch.job.Schema;
import io.spotmatch.job.SpotMatchJob;
import io.spotmatch.job.SpotMatchOptions;
import io.spotmatch.job.load.LoadGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The end-to-end benchmark: the production topology on a local Flink (RocksDB, incremental,
 * exactly-once checkpoints every 10 s) against a real Kafka broker (its own JVM) and a real
 * PostgreSQL (its own processes), all on this machine.
 *
 * <ul>
 *   <li>{@code throughput}: a topic preloaded with {@code --orders} orders over {@code --symbols}
 *       symbols, replayed by a bounded job; orders/s from submission until the job finishes, which
 *       is after the last trade row is committed and the last event is in Kafka;
 *   <li>{@code hot}: the same over one symbol (one key: the sequential path);
 *   <li>{@code latency}: orders sent at fixed rates to a running job; latency from the order's
 *       append to Kafka to its first event's append (both broker timestamps), in HdrHistogram.
 * </ul>
 * Each is run {@code --runs} times after a warm-up run that is not counted (the JIT compiling the
 * job would otherwise be charged to the first run); CPU seconds per million orders are read from /proc for the job
 * (this JVM), the broker JVM and the PostgreSQL processes.
 */
public final class EndToEndBenchmark {

    static final ConfigOption<String> SCENARIO =
            key("scenario").stringType().defaultValue("all").withDescription("all, throughput, hot or latency.");
    static final ConfigOption<Long> ORDERS = key("orders")
            .longType()
            .defaultValue(2_000_000L)
            .withDescription("Preloaded orders of the throughput scenarios.");
    static final ConfigOption<Integer> SYMBOLS = key("symbols")
            .intType()
            .defaultValue(50)
            .withDescription("Symbols of the throughput and latency scenarios.");
    static final ConfigOption<Integer> RUNS =
            key("runs").intType().defaultValue(3).withDescription("Measured runs per scenario, after one warm-up.");
    static final ConfigOption<String> RATES = key("rates")
            .stringType()
            .defaultValue("10000,25000,50000")
            .withDescription("Offered loads of the latency scenario, orders/s.");
    static final ConfigOption<Integer> SECONDS =
            key("seconds").intType().defaultValue(30).withDescription("Length of a latency run.");
    static final ConfigOption<Integer> PARALLELISM =
            key("parallelism").intType().defaultValue(2).withDescription("Parallelism of the job.");
    static final ConfigOption<Integer> PARTITIONS =
            key("partitions").intType().defaultValue(4).withDescription("Partitions of the orders and events topics.");
    static final ConfigOption<String> JOB_OPTIONS =
            key("job-options").stringType().defaultValue("").withDescription("Job options, key=value,...");
    static final ConfigOption<String> SETTLEMENT = key("settlement")
            .stringType()
            .defaultValue("off")
            .withDescription("off, on, or compare (throughput scenarios: each run once without and once with"
                    + " settlement, interleaved, for ratios taken in one invocation).");
    static final ConfigOption<Boolean> MARKET_DATA = key("market-data")
            .booleanType()
            .defaultValue(false)
            .withDescription("Publish every market-data stream (job defaults) to topics of the run; off measures"
                    + " matching alone, as before market data existed.");
    static final List<ConfigOption<?>> OPTIONS = List.of(
            SCENARIO,
            ORDERS,
            SYMBOLS,
            RUNS,
            RATES,
            SECONDS,
            PARALLELISM,
            PARTITIONS,
            JOB_OPTIONS,
            SETTLEMENT,
            MARKET_DATA);

    private final CommandLine a;
    private final int parallelism;
    private Process kafkaProcess;
    private String bootstrap;
    private EmbeddedPostgres postgres;
    private MiniCluster cluster;
    private Path work;
    private int runNo;

    private EndToEndBenchmark(CommandLine a) {
        this.a = a;
        this.parallelism = a.get(PARALLELISM);
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("log4j2.configurationFile", "log4j2-local.properties");
        EndToEndBenchmark b = new EndToEndBenchmark(CommandLine.parse(args, OPTIONS));
        try {
            b.start();
            String s = b.a.get(SCENARIO);
            if (s.equals("all") || s.equals("throughput")) {
                b.throughput("throughput", b.a.get(SYMBOLS));
            }
            if (s.equals("all") || s.equals("hot")) {
                b.throughput("hot symbol", 1);
            }
            if (s.equals("all") || s.equals("latency")) {
                for (String rate : b.a.get(RATES).split(",")) {
                    b.latency(Integer.parseInt(rate.trim()));
                }
            }
        } finally {
            b.stop();
        }
        System.exit(0);
    }

    private void start() throws Exception {
        work = Files.createTempDirectory("spotmatch-bench");
        ProcessBuilder pb = new ProcessBuilder(
                "java",
                "-Xmx1g",
                "-XX:+UseG1GC",
                "-cp",
                System.getProperty("java.class.path"),
                KafkaServerMain.class.getName());
        pb.redirectErrorStream(true);
        kafkaProcess = pb.start();
        BufferedReader r =
                new BufferedReader(new InputStreamReader(kafkaProcess.getInputStream(), StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (line.startsWith("READY ")) {
                bootstrap = line.substring(6).trim();
                break;
            }
        }
        if (bootstrap == null) {
            throw new IllegalStateException("the Kafka broker did not start");
        }
        Thread drain = new Thread(() -> {
            try {
                while (r.readLine() != null) {
                    // keep the pipe from filling up
                }
            } catch (IOException ignored) {
                // broker gone
            }
        });
        drain.setDaemon(true);
        drain.start();
        postgres = EmbeddedPostgres.start();

        Configuration conf = new Configuration();
        LocalCluster.onLoopback(conf);
        conf.set(RestOptions.PORT, 0);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("512m"));
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(Math.max(4, parallelism))
                .build());
        cluster.start();
        say(
                "Machine: %d cores, %s; Kafka broker pid %d at %s; PostgreSQL at %s",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                kafkaProcess.pid(),
                bootstrap,
                postgres.jdbcUrl());
    }

    private void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (kafkaProcess != null) {
            kafkaProcess.getOutputStream().close();
            kafkaProcess.waitFor();
        }
    }

    // ---- One job run ----

    /** Fresh output topics and a fresh schema; the job's options. */
    private SpotMatchOptions run(String ordersTopic, Map<String, String> extra) throws Exception {
        return run(ordersTopic, extra, false);
    }

    /** With settlement: empty funds topic (nothing deposited: every movement still goes through the ledger). */
    private SpotMatchOptions run(String ordersTopic, Map<String, String> extra, boolean settlement) throws Exception {
        runNo++;
        String id = "r" + runNo;
        if (settlement) {
            EmbeddedKafka.createTopic(bootstrap, "funds-" + id, a.get(PARTITIONS), Map.of());
            EmbeddedKafka.createTopic(bootstrap, "balances-" + id, a.get(PARTITIONS), Map.of());
        }
        EmbeddedKafka.createTopic(
                bootstrap, "events-" + id, a.get(PARTITIONS), Map.of("message.timestamp.type", "LogAppendTime"));
        EmbeddedKafka.createTopic(bootstrap, "dlq-" + id, 1, Map.of());
        try (Connection c = postgres.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + id);
        }
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl(id), "postgres", "postgres")) {
            Schema.apply(c);
        }
        Map<String, String> o = new LinkedHashMap<>();
        o.put("kafka.bootstrap-servers", bootstrap);
        o.put("kafka.orders-topic", ordersTopic);
        o.put("kafka.events-topic", "events-" + id);
        o.put("kafka.dead-letter-topic", "dlq-" + id);
        o.put("kafka.group-id", "bench-" + id);
        o.put("kafka.admin-topic", ""); // the load generator signs its listings
        o.put("kafka.funds-topic", settlement ? "funds-" + id : "");
        o.put("kafka.balances-topic", "balances-" + id);
        if (a.get(MARKET_DATA)) {
            for (io.spotmatch.marketdata.MarketData.Kind k : io.spotmatch.marketdata.MarketData.Kind.values()) {
                EmbeddedKafka.createTopic(bootstrap, k.topic("md-" + id + "."), a.get(PARTITIONS), Map.of());
            }
            o.put("market-data.topic-prefix", "md-" + id + ".");
        } else {
            o.put("market-data.streams", "");
        }
        o.put("kafka.starting-offsets", "EARLIEST");
        o.put("jdbc.url", jdbcUrl(id));
        o.put("jdbc.user", "postgres");
        o.put("job.checkpoint-interval", "10 s");
        o.put("job.parallelism", Integer.toString(parallelism));
        for (String kv : a.get(JOB_OPTIONS).split(",")) {
            if (!kv.isBlank()) {
                o.put(
                        kv.substring(0, kv.indexOf('=')).trim(),
                        kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        o.putAll(extra);
        return SpotMatchOptions.fromMap(
                o,
                Map.of(
                        SpotMatchOptions.ADMIN_KEY_ENV,
                        io.spotmatch.load.AdminSigning.KEY,
                        "SPOTMATCH_JDBC_PASSWORD",
                        "postgres"));
    }

    private String jdbcUrl(String schema) {
        return postgres.jdbcUrl() + "?currentSchema=" + schema;
    }

    private JobID submit(SpotMatchOptions options) throws Exception {
        Configuration conf = SpotMatchJob.jobConfiguration(options);
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                work.resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        SpotMatchJob.build(env, options);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        cluster.submitJob(graph).get();
        return graph.getJobID();
    }

    // ---- Scenarios ----

    private void throughput(String name, int symbols) throws Exception {
        long orders = a.get(ORDERS);
        String topic = "orders-" + symbols + "-symbols";
        EmbeddedKafka.createTopic(bootstrap, topic, a.get(PARTITIONS), Map.of());
        long t0 = System.nanoTime();
        new LoadGenerator(new LoadGenerator.Settings(bootstrap, topic, symbols, orders, 0, 1, 0)).run();
        double preload = (System.nanoTime() - t0) / 1e9;
        say("");
        say(
                "%s: %,d orders over %d symbol(s) preloaded in %.1f s (%,.0f/s, the load generator's own rate)",
                name, orders, symbols, preload, orders / preload);
        List<Boolean> variants = switch (a.get(SETTLEMENT)) {
            case "on" -> List.of(true);
            case "compare" -> List.of(false, true);
            default -> List.of(false);
        };
        say(
                "| run | settlement | orders/s | seconds | trades | events | orders rows written | ledger rows | job CPU s/M |"
                        + " Kafka CPU s/M | PostgreSQL CPU s/M |");
        say("|---|---|---|---|---|---|---|---|---|---|---|");
        Map<Boolean, List<Double>> ratesBy = new java.util.TreeMap<>();
        for (int i = 0; i <= a.get(RUNS); i++) {
            for (boolean settlement : variants) {
                List<Double> rates = ratesBy.computeIfAbsent(settlement, k -> new ArrayList<>());
                SpotMatchOptions options = run(topic, Map.of("kafka.bounded", "LATEST"), settlement);
                Cpu before = Cpu.now(kafkaProcess.pid());
                long start = System.nanoTime();
                JobID job = submit(options);
                JobResult result = cluster.requestJobResult(job).get();
                double seconds = (System.nanoTime() - start) / 1e9;
                Cpu used = Cpu.now(kafkaProcess.pid()).minus(before);
                if (!result.isSuccess()) {
                    throw new IllegalStateException(
                            "job failed", result.getSerializedThrowable().orElseThrow());
                }
                long total = orders + symbols;
                double rate = total / seconds;
                if (i == 0) {
                    say("(warm-up run, not counted: %,.0f orders/s, settlement %s)", rate, settlement ? "on" : "off");
                    continue;
                }
                rates.add(rate);
                Thread.sleep(1000); // PostgreSQL's table statistics lag a little
                say(
                        "| %d | %s | %,.0f | %.1f | %,d | %,d | %,d | %,d | %.1f | %.1f | %.1f |",
                        i,
                        settlement ? "on" : "off",
                        rate,
                        seconds,
                        postgres.queryLong("SELECT count(*) FROM " + schemaOf(options) + ".trades"),
                        records(options.eventsTopic()),
                        postgres.queryLong("SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE schemaname = '"
                                + schemaOf(options) + "' AND relname = 'orders'"),
                        postgres.queryLong("SELECT count(*) FROM " + schemaOf(options) + ".ledger"),
                        used.self / (total / 1e6),
                        used.kafka / (total / 1e6),
                        used.postgres / (total / 1e6));
            }
        }
        for (Map.Entry<Boolean, List<Double>> e : ratesBy.entrySet()) {
            List<Double> rates = e.getValue();
            rates.sort(null);
            say(
                    "%s, settlement %s: median %,.0f orders/s (min %,.0f, max %,.0f over %d runs)",
                    name,
                    e.getKey() ? "on" : "off",
                    rates.get(rates.size() / 2),
                    rates.get(0),
                    rates.get(rates.size() - 1),
                    rates.size());
        }
    }

    private void latency(int rate) throws Exception {
        int seconds = a.get(SECONDS);
        int symbols = a.get(SYMBOLS);
        say("");
        say(
                "latency at %,d orders/s for %d s over %d symbols (first %d s not counted), microseconds:",
                rate, seconds, symbols, 5);
        say("| run | p50 | p99 | p99.9 | max | commands measured | job CPU s/M | Kafka CPU s/M | PostgreSQL CPU s/M |");
        say("|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i <= a.get(RUNS); i++) {
            String topic = "latency-" + rate + "-" + i;
            EmbeddedKafka.createTopic(
                    bootstrap, topic, a.get(PARTITIONS), Map.of("message.timestamp.type", "LogAppendTime"));
            SpotMatchOptions options = run(topic, Map.of());
            JobID job = submit(options);
            Thread.sleep(5_000); // deployed and reading
            Histogram histogram = new Histogram(60_000_000L, 3);
            AtomicBoolean done = new AtomicBoolean();
            long warmUpEnds = System.currentTimeMillis() + 5_000;
            Thread consumer = new Thread(() -> measure(options.eventsTopic(), histogram, warmUpEnds, done));
            consumer.start();
            Cpu before = Cpu.now(kafkaProcess.pid());
            LoadGenerator g = new LoadGenerator(
                    new LoadGenerator.Settings(bootstrap, topic, symbols, (long) rate * seconds, rate, 10 + i, 0));
            g.run();
            Thread.sleep(3_000);
            done.set(true);
            consumer.join();
            Cpu used = Cpu.now(kafkaProcess.pid()).minus(before);
            cluster.cancelJob(job).get();
            if (i == 0) {
                say("(warm-up run, not counted: p99 %,d)", histogram.getValueAtPercentile(99));
                continue;
            }
            say(
                    "| %d | %,d | %,d | %,d | %,d | %,d | %.1f | %.1f | %.1f |",
                    i,
                    histogram.getValueAtPercentile(50),
                    histogram.getValueAtPercentile(99),
                    histogram.getValueAtPercentile(99.9),
                    histogram.getMaxValue(),
                    histogram.getTotalCount(),
                    used.self / (g.sent() / 1e6),
                    used.kafka / (g.sent() / 1e6),
                    used.postgres / (g.sent() / 1e6));
        }
    }

    /** Latency of the first event of each command: event append time minus the command's append time. */
    private void measure(String topic, Histogram histogram, long warmUpEnds, AtomicBoolean done) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "latency-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Long> lastTime = new java.util.HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            while (!done.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    String json = new String(r.value(), StandardCharsets.US_ASCII);
                    int at = json.indexOf("\"time\":") + 7;
                    long commandTime = Long.parseLong(json.substring(at, json.indexOf(',', at)));
                    String symbol = new String(r.key(), StandardCharsets.US_ASCII);
                    Long last = lastTime.put(symbol, commandTime);
                    if ((last == null || last != commandTime) && commandTime >= warmUpEnds) {
                        histogram.recordValue(Math.max(0, (r.timestamp() - commandTime) * 1000));
                    }
                }
            }
        }
    }

    // ---- Measuring ----

    private static String schemaOf(SpotMatchOptions o) {
        return o.jdbcUrl().substring(o.jdbcUrl().indexOf("currentSchema=") + 14);
    }

    private long records(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            return EmbeddedKafka.records(admin, topic);
        }
    }

    /** CPU seconds so far of this JVM, the broker JVM and every PostgreSQL process (with exited backends). */
    record Cpu(double self, double kafka, double postgres) {
        static Cpu now(long kafkaPid) throws IOException {
            double pg = 0;
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path proc : (Iterable<Path>) procs::iterator) {
                    String name = proc.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String[] f = stat(proc);
                        if (f[1].equals("(postgres)")) {
                            pg += ticks(f, 13) + ticks(f, 14) + ticks(f, 15) + ticks(f, 16);
                        }
                    } catch (IOException | RuntimeException gone) {
                        // the process ended while we looked
                    }
                }
            }
            String[] self = stat(Path.of("/proc/self"));
            String[] kafka = stat(Path.of("/proc/" + kafkaPid));
            return new Cpu(
                    (ticks(self, 13) + ticks(self, 14)) / 100.0,
                    (ticks(kafka, 13) + ticks(kafka, 14)) / 100.0,
                    pg / 100.0);
        }

        private static String[] stat(Path proc) throws IOException {
            return Files.readString(proc.resolve("stat")).split(" ");
        }

        private static long ticks(String[] f, int i) {
            return Long.parseLong(f[i]);
        }

        Cpu minus(Cpu o) {
            return new Cpu(self - o.self, kafka - o.kafka, postgres - o.postgres);
        }
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
