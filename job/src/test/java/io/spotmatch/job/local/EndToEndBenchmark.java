package io.spotmatch.job.local;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.spotmatch.job.CeilingPipeline;
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
import org.apache.flink.configuration.PipelineOptions;
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
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

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
 *
 * <p>Ratios in one invocation: the throughput scenarios run every pipeline below once per round,
 * round after round (A, B, A, B ...), on the same preloaded topic, each into fresh topics and a fresh
 * schema, and end with a table of medians and of the current build as fractions of the others.
 * <ul>
 *   <li>{@code --settlement compare}: the current build without and with settlement;
 *   <li>{@code --ceilings true}: <b>the ceiling</b> ({@code CeilingPipeline}: the job's Kafka source with
 *       its deserializer, so the production {@code CommandJson} parser, and one Kafka record per order
 *       written by the events sink's producer settings and delivery; no state, no database) and <b>the
 *       database ceiling</b> (as many rows per table as the current build wrote in the same round: trades,
 *       orders row versions, ledger, balances row versions, loaded by pgjdbc's {@code CopyManager} into
 *       tables with the same columns and no index, key or generated column, one connection per table;
 *       one per settlement variant);
 *   <li>{@code --previous <commit>}: that commit's build, from a git worktree under the repository's
 *       target/ (created once, reused), built offline there once ({@code mvn -o -q -DskipTests package},
 *       never {@code install}), its test classpath from {@code dependency:build-classpath}. Both builds then
 *       run in JVMs of their own ({@link BuildRunner}, this JVM's heap and flags, one local Flink each,
 *       kept for every round so that both are warmed alike); a build without a {@code BuildRunner} gets
 *       this build's compiled one on its classpath, which calls only the topology's long-standing entry
 *       points. The schema is filled by the build that runs; {@code --previous-job-options} are added
 *       to its runs only (e.g. {@code market-data.streams=}: the previous build without market data).
 * </ul>
 * Each round's schemas and topics are dropped once counted. BENCHMARKS.md, "Measuring against the
 * ceilings and the previous build", has the full command.
 */
public final class EndToEndBenchmark {

    static final ConfigOption<String> SCENARIO = key("scenario")
            .stringType()
            .defaultValue("all")
            .withDescription("all, or a comma-separated list of throughput, hot and latency.");
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
    static final ConfigOption<Boolean> CEILINGS = key("ceilings")
            .booleanType()
            .defaultValue(false)
            .withDescription("Throughput scenarios: also run the ceiling (the job's Kafka source and parser, one"
                    + " Kafka record written per order) and the database ceiling (the current build's rows of the same"
                    + " run, COPY-loaded into unindexed tables) in every round.");
    static final ConfigOption<String> PREVIOUS = key("previous")
            .stringType()
            .defaultValue("")
            .withDescription(
                    "Throughput scenarios: a commit whose build runs in every round next to the current"
                            + " build (a git worktree under target/, built offline; both builds then run in JVMs of their own).");
    static final ConfigOption<String> PREVIOUS_JOB_OPTIONS = key("previous-job-options")
            .stringType()
            .defaultValue("")
            .withDescription("Job options of the previous build's runs only, key=value,... after --job-options (e.g."
                    + " market-data.streams= for that build without market data).");
    static final ConfigOption<String> OPERATOR_CHAINING = key("operator-chaining")
            .stringType()
            .defaultValue("on")
            .withDescription("on, off, or compare: the current build's runs with Flink's operator chaining (as in"
                    + " production), without it (every operator a task of its own, so the per-thread CPU split is"
                    + " per operator; records cross a serializer at every hop), or both, interleaved.");
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
            MARKET_DATA,
            CEILINGS,
            PREVIOUS,
            PREVIOUS_JOB_OPTIONS,
            OPERATOR_CHAINING);

    private final CommandLine a;
    private final int parallelism;
    private Process kafkaProcess;
    private String bootstrap;
    private EmbeddedPostgres postgres;
    private MiniCluster cluster;
    private Path work;
    private int runNo;
    private Child current;
    private Child previous;
    private String previousCommit;

    private EndToEndBenchmark(CommandLine a) {
        this.a = a;
        this.parallelism = a.get(PARALLELISM);
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("log4j2.configurationFile", "log4j2-local.properties");
        EndToEndBenchmark b = new EndToEndBenchmark(CommandLine.parse(args, OPTIONS));
        try {
            b.start();
            List<String> s = List.of(b.a.get(SCENARIO).replace(" ", "").split(","));
            if (s.contains("all") || s.contains("throughput")) {
                b.throughput("throughput", b.a.get(SYMBOLS));
            }
            if (s.contains("all") || s.contains("hot")) {
                b.throughput("hot symbol", 1);
            }
            if (s.contains("all") || s.contains("latency")) {
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
        if (!a.get(PREVIOUS).isBlank()) {
            String commit = git(Path.of("."), "rev-parse", "--verify", a.get(PREVIOUS) + "^{commit}");
            previousCommit = commit.substring(0, 10);
            current = new Child("current build", System.getProperty("java.class.path"));
            previous = new Child("previous build " + previousCommit, previousBuild(commit));
        }
        say(
                "Machine: %d cores, %s; Kafka broker pid %d at %s; PostgreSQL at %s",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                kafkaProcess.pid(),
                bootstrap,
                postgres.jdbcUrl());
    }

    private void stop() throws Exception {
        for (Child c : java.util.Arrays.asList(current, previous)) {
            if (c != null) {
                c.close();
            }
        }
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

    /** The job's options, as given to {@code SpotMatchOptions.fromMap}, and parsed. */
    private record Run(Map<String, String> values, Map<String, String> env, SpotMatchOptions options) {}

    /** Fresh output topics and a fresh schema; the job's options. */
    private SpotMatchOptions run(String ordersTopic, Map<String, String> extra) throws Exception {
        return run(ordersTopic, extra, false, true).options();
    }

    /**
     * With settlement: empty funds topic (nothing deposited: every movement still goes through the ledger).
     * Without {@code applySchema} the schema is left empty for the build that runs to fill.
     */
    private Run run(String ordersTopic, Map<String, String> extra, boolean settlement, boolean applySchema)
            throws Exception {
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
        if (applySchema) {
            try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl(id), "postgres", "postgres")) {
                Schema.apply(c);
            }
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
        o.putAll(pairs(a.get(JOB_OPTIONS)));
        o.putAll(extra);
        Map<String, String> env = Map.of(
                SpotMatchOptions.ADMIN_KEY_ENV,
                io.spotmatch.load.AdminSigning.KEY,
                "SPOTMATCH_JDBC_PASSWORD",
                "postgres");
        return new Run(o, env, SpotMatchOptions.fromMap(o, env));
    }

    /** {@code key=value,key=value} in order. */
    private static Map<String, String> pairs(String list) {
        Map<String, String> o = new LinkedHashMap<>();
        for (String kv : list.split(",")) {
            if (!kv.isBlank()) {
                o.put(
                        kv.substring(0, kv.indexOf('=')).trim(),
                        kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        return o;
    }

    private String jdbcUrl(String schema) {
        return postgres.jdbcUrl() + "?currentSchema=" + schema;
    }

    private JobID submit(SpotMatchOptions options) throws Exception {
        JobGraph graph = jobGraph(options, false, true);
        cluster.submitJob(graph).get();
        return graph.getJobID();
    }

    /** The production topology, or the ceiling pipeline on the same options; chained as in production or not. */
    private JobGraph jobGraph(SpotMatchOptions options, boolean ceiling, boolean chained) {
        Configuration conf = SpotMatchJob.jobConfiguration(options);
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                work.resolve("checkpoints").toUri().toString());
        conf.set(PipelineOptions.OPERATOR_CHAINING, chained);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (ceiling) {
            CeilingPipeline.build(env, options);
        } else {
            SpotMatchJob.build(env, options);
        }
        return env.getStreamGraph().getJobGraph();
    }

    /** The names of a job graph's tasks: the start of their threads' names. */
    private static List<String> taskNames(JobGraph graph) {
        List<String> names = new ArrayList<>();
        graph.getVertices().forEach(v -> names.add(v.getName()));
        return names;
    }

    // ---- Scenarios ----

    /** One pipeline of the throughput scenarios: what runs, with which output switches. */
    private record Pipeline(Kind kind, String name, String switches, boolean settlement, boolean chained) {}

    private enum Kind {
        CURRENT,
        PREVIOUS,
        CEILING,
        DATABASE_CEILING
    }

    /**
     * One measured run; the row counts are what it wrote (for the database ceiling: what it loaded);
     * {@code threads}: the job JVM's CPU seconds by thread group ({@link ThreadCpu}), empty for the
     * database ceiling.
     */
    private record Measured(
            double seconds,
            Cpu cpu,
            long trades,
            long events,
            long ordersRows,
            long ledgerRows,
            long balancesRows,
            String schema,
            Map<String, Double> threads) {
        long rows() {
            return trades + ordersRows + ledgerRows + balancesRows;
        }
    }

    private List<Pipeline> pipelines() {
        List<Boolean> variants = switch (a.get(SETTLEMENT)) {
            case "on" -> List.of(true);
            case "compare" -> List.of(false, true);
            default -> List.of(false);
        };
        String md = "market data " + (a.get(MARKET_DATA) ? "on" : "off")
                + (a.get(JOB_OPTIONS).isBlank() ? "" : ", " + a.get(JOB_OPTIONS).replace(",", ", "));
        List<Pipeline> p = new ArrayList<>();
        for (boolean settlement : variants) {
            String switches = "settlement " + (settlement ? "on" : "off") + ", " + md;
            for (boolean chained : chaining()) {
                p.add(new Pipeline(
                        Kind.CURRENT,
                        chained ? "current build" : "current build, unchained",
                        chained ? switches : switches + ", operator chaining off",
                        settlement,
                        chained));
            }
            if (previous != null) {
                String own = a.get(PREVIOUS_JOB_OPTIONS).isBlank()
                        ? ""
                        : ", then " + a.get(PREVIOUS_JOB_OPTIONS).replace(",", ", ");
                p.add(new Pipeline(
                        Kind.PREVIOUS, "previous build " + previousCommit, switches + own, settlement, true));
            }
        }
        if (a.get(CEILINGS)) {
            p.add(new Pipeline(
                    Kind.CEILING,
                    "ceiling",
                    "the job's source and parser, one record per order by the events sink (" + eventsDelivery() + ")",
                    false,
                    true));
            for (boolean settlement : variants) {
                p.add(new Pipeline(
                        Kind.DATABASE_CEILING,
                        "database ceiling",
                        "COPY of the rows the current build wrote (settlement " + (settlement ? "on" : "off")
                                + ") in the same round, unindexed",
                        settlement,
                        true));
            }
        }
        return p;
    }

    private List<Boolean> chaining() {
        return switch (a.get(OPERATOR_CHAINING)) {
            case "off" -> List.of(false);
            case "compare" -> List.of(true, false);
            default -> List.of(true);
        };
    }

    private String eventsDelivery() {
        for (String kv : a.get(JOB_OPTIONS).split(",")) {
            if (kv.trim().startsWith("kafka.events-delivery=")) {
                return kv.substring(kv.indexOf('=') + 1).trim();
            }
        }
        return "job default";
    }

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
        List<Pipeline> pipelines = pipelines();
        for (Pipeline p : pipelines) {
            say("- %s: %s", p.name(), p.switches());
        }
        say("| run | pipeline | settlement | orders/s | seconds | trades | events | orders rows written | ledger rows |"
                + " balances rows | job CPU s/M | Kafka CPU s/M | PostgreSQL CPU s/M |");
        say("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        long total = orders + symbols;
        Map<Pipeline, List<Measured>> measured = new LinkedHashMap<>();
        for (int i = 0; i <= a.get(RUNS); i++) {
            Map<Boolean, Measured> rowsSource = new java.util.HashMap<>();
            List<String> round = new ArrayList<>();
            for (Pipeline p : pipelines) {
                Measured m = switch (p.kind()) {
                    case CURRENT ->
                        previous != null
                                ? inChild(current, topic, p.settlement(), true, p.chained())
                                : inProcess(topic, p.settlement(), false, p.chained());
                    case PREVIOUS -> inChild(previous, topic, p.settlement(), false, true);
                    case CEILING -> inProcess(topic, false, true, true);
                    case DATABASE_CEILING -> databaseCeiling(rowsSource.get(p.settlement()));
                };
                if (p.kind() == Kind.CURRENT && p.chained()) {
                    rowsSource.put(p.settlement(), m);
                }
                round.add(m.schema());
                double rate = total / m.seconds();
                if (i == 0) {
                    say(
                            "(warm-up run, not counted: %s, %,.0f orders/s, settlement %s)",
                            p.name(), rate, p.settlement() ? "on" : "off");
                    continue;
                }
                measured.computeIfAbsent(p, k -> new ArrayList<>()).add(m);
                say(
                        "| %d | %s | %s | %,.0f | %.1f | %,d | %,d | %,d | %,d | %,d | %.1f | %.1f | %.1f |",
                        i,
                        p.name(),
                        p.settlement() ? "on" : "off",
                        rate,
                        m.seconds(),
                        m.trades(),
                        m.events(),
                        m.ordersRows(),
                        m.ledgerRows(),
                        m.balancesRows(),
                        m.cpu().self / (total / 1e6),
                        m.cpu().kafka / (total / 1e6),
                        m.cpu().postgres / (total / 1e6));
            }
            dropAll(round);
        }
        report(name, total, measured);
    }

    /**
     * A round's schemas and output topics, once counted: at 2,000,000 orders a round with every
     * pipeline leaves some gigabytes, and a full measurement has eight rounds.
     */
    private void dropAll(List<String> ids) throws Exception {
        try (Connection c = postgres.connect();
                Statement st = c.createStatement()) {
            for (String id : ids) {
                st.execute("DROP SCHEMA " + id + " CASCADE");
            }
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<String> topics = new ArrayList<>();
            for (String t : admin.listTopics().names().get()) {
                for (String id : ids) {
                    if (t.endsWith("-" + id) || t.startsWith("md-" + id + ".")) {
                        topics.add(t);
                    }
                }
            }
            admin.deleteTopics(topics).all().get();
        }
    }

    /** The summary: per pipeline medians (and spread), then the current build as fractions of the others. */
    private static void report(String name, long total, Map<Pipeline, List<Measured>> measured) {
        say("");
        say(
                "%s, %d runs per pipeline (CPU: medians):",
                name, measured.values().iterator().next().size());
        say("| pipeline | switches | orders/s median | min | max | rows/s median | job CPU s/M | Kafka CPU s/M |"
                + " PostgreSQL CPU s/M | machine CPU s/M |");
        say("|---|---|---|---|---|---|---|---|---|---|");
        Map<Pipeline, double[]> med = new LinkedHashMap<>();
        for (Map.Entry<Pipeline, List<Measured>> e : measured.entrySet()) {
            List<Measured> ms = e.getValue();
            double[] rates =
                    ms.stream().mapToDouble(m -> total / m.seconds()).sorted().toArray();
            double rows = median(ms.stream().mapToDouble(m -> m.rows() / m.seconds()));
            double job = median(ms.stream().mapToDouble(m -> m.cpu().self / (total / 1e6)));
            double kafka = median(ms.stream().mapToDouble(m -> m.cpu().kafka / (total / 1e6)));
            double pg = median(ms.stream().mapToDouble(m -> m.cpu().postgres / (total / 1e6)));
            double all = median(ms.stream().mapToDouble(m -> m.cpu().sum() / (total / 1e6)));
            med.put(e.getKey(), new double[] {rates[rates.length / 2], all, pg});
            say(
                    "| %s | %s | %,.0f | %,.0f | %,.0f | %,.0f | %.1f | %.1f | %.1f | %.1f |",
                    e.getKey().name(),
                    e.getKey().switches(),
                    rates[rates.length / 2],
                    rates[0],
                    rates[rates.length - 1],
                    rows,
                    job,
                    kafka,
                    pg,
                    all);
        }
        threadSplit(total, measured);
        boolean others = med.keySet().stream().anyMatch(p -> p.kind() != Kind.CURRENT);
        if (!others) {
            return;
        }
        say("");
        say("current build as a fraction (medians): throughput and machine CPU per order against the ceiling and"
                + " the previous build; throughput and PostgreSQL CPU per order against the database ceiling");
        say("| current build | throughput / ceiling | CPU / ceiling | throughput / database ceiling |"
                + " PostgreSQL CPU / database ceiling | throughput / previous | CPU / previous |"
                + " throughput / previous, settlement off | CPU / previous, settlement off |");
        say("|---|---|---|---|---|---|---|---|---|");
        for (Map.Entry<Pipeline, double[]> e : med.entrySet()) {
            Pipeline p = e.getKey();
            if (p.kind() != Kind.CURRENT) {
                continue;
            }
            double[] c = e.getValue();
            double[] ceiling = find(med, Kind.CEILING, false);
            double[] db = find(med, Kind.DATABASE_CEILING, p.settlement());
            double[] prev = find(med, Kind.PREVIOUS, p.settlement());
            double[] prevOff = find(med, Kind.PREVIOUS, false);
            say(
                    "| %s | %s | %s | %s | %s | %s | %s | %s | %s |",
                    p.switches(),
                    ratio(c, ceiling, 0),
                    ratio(c, ceiling, 1),
                    ratio(c, db, 0),
                    ratio(c, db, 2),
                    ratio(c, prev, 0),
                    ratio(c, prev, 1),
                    ratio(c, prevOff, 0),
                    ratio(c, prevOff, 1));
        }
    }

    /**
     * The job JVM's CPU by thread group ({@link ThreadCpu}), CPU s/M, medians per group over the runs,
     * and each as a share of the pipeline's median job CPU; groups under 1% of it in every pipeline are
     * summed into one row.
     */
    private static void threadSplit(long total, Map<Pipeline, List<Measured>> measured) {
        Map<Pipeline, Map<String, Double>> split = new LinkedHashMap<>();
        Map<Pipeline, Double> job = new LinkedHashMap<>();
        java.util.Set<String> groups = new java.util.LinkedHashSet<>();
        for (Map.Entry<Pipeline, List<Measured>> e : measured.entrySet()) {
            if (e.getKey().kind() == Kind.DATABASE_CEILING) {
                continue;
            }
            List<Measured> ms = e.getValue();
            ms.forEach(m -> groups.addAll(m.threads().keySet()));
            job.put(e.getKey(), median(ms.stream().mapToDouble(m -> m.cpu().self / (total / 1e6))));
            split.put(e.getKey(), new LinkedHashMap<>());
        }
        if (split.isEmpty()) {
            return;
        }
        for (String g : groups) {
            for (Map.Entry<Pipeline, Map<String, Double>> e : split.entrySet()) {
                e.getValue()
                        .put(
                                g,
                                median(measured.get(e.getKey()).stream()
                                        .mapToDouble(m -> m.threads().getOrDefault(g, 0.0) / (total / 1e6))));
            }
        }
        String small = "other threads (each under 1% of the job's CPU)";
        List<String> rows = new ArrayList<>();
        for (String g : groups) {
            boolean shown = g.equals(ThreadCpu.NOT_ATTRIBUTED)
                    || split.keySet().stream().anyMatch(p -> split.get(p).get(g) >= 0.01 * job.get(p));
            if (shown) {
                rows.add(g);
            } else {
                split.values().forEach(v -> v.merge(small, v.get(g), Double::sum));
            }
        }
        rows.sort(java.util.Comparator.comparingDouble((String g) -> g.equals(ThreadCpu.NOT_ATTRIBUTED)
                ? Double.POSITIVE_INFINITY
                : -split.values().stream().mapToDouble(v -> v.get(g)).max().orElse(0)));
        rows.add(rows.size() - 1, small);
        say("");
        say("job CPU by thread (CPU s/M, medians over the runs; share of the pipeline's job CPU):");
        StringBuilder head = new StringBuilder("| thread group |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Pipeline p : split.keySet()) {
            head.append(' ')
                    .append(p.name())
                    .append(", settlement ")
                    .append(p.settlement() ? "on" : "off")
                    .append(" |");
            rule.append("---|");
        }
        say("%s", head);
        say("%s", rule);
        for (String g : rows) {
            StringBuilder row = new StringBuilder("| " + g + " |");
            for (Pipeline p : split.keySet()) {
                double v = split.get(p).getOrDefault(g, 0.0);
                row.append(String.format(Locale.ROOT, " %.2f (%.0f%%) |", v, 100 * v / job.get(p)));
            }
            say("%s", row);
        }
        StringBuilder row = new StringBuilder("| job JVM (the job CPU s/M column) |");
        for (Pipeline p : split.keySet()) {
            row.append(String.format(Locale.ROOT, " %.2f |", job.get(p)));
        }
        say("%s", row);
    }

    private static double[] find(Map<Pipeline, double[]> med, Kind kind, boolean settlement) {
        for (Map.Entry<Pipeline, double[]> e : med.entrySet()) {
            if (e.getKey().kind() == kind && e.getKey().settlement() == settlement) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String ratio(double[] of, double[] to, int i) {
        return to == null || to[i] == 0 ? "-" : String.format(Locale.ROOT, "%.2f×", of[i] / to[i]);
    }

    private static double median(java.util.stream.DoubleStream values) {
        double[] v = values.sorted().toArray();
        return v[v.length / 2];
    }

    /** A bounded run of this build's topology (or of the ceiling) on this JVM's local Flink. */
    private Measured inProcess(String topic, boolean settlement, boolean ceiling, boolean chained) throws Exception {
        Run r = run(topic, Map.of("kafka.bounded", "LATEST"), settlement, true);
        long self = ProcessHandle.current().pid();
        JobGraph graph = jobGraph(r.options(), ceiling, chained);
        Cpu before = Cpu.now(self, kafkaProcess.pid());
        ThreadCpu threads = ThreadCpu.start(self);
        long start = System.nanoTime();
        cluster.submitJob(graph).get();
        JobResult result = cluster.requestJobResult(graph.getJobID()).get();
        double seconds = (System.nanoTime() - start) / 1e9;
        Cpu used = Cpu.now(self, kafkaProcess.pid()).minus(before);
        Map<String, Double> split = threads.groups(used.self, taskNames(graph));
        if (!result.isSuccess()) {
            throw new IllegalStateException(
                    "job failed", result.getSerializedThrowable().orElseThrow());
        }
        return counted(r, seconds, used, split);
    }

    /** A bounded run in a build's own JVM ({@link BuildRunner}); the job's CPU is that JVM's. */
    private Measured inChild(Child child, String topic, boolean settlement, boolean applySchema, boolean chained)
            throws Exception {
        Map<String, String> extra = new LinkedHashMap<>();
        if (child == previous) {
            extra.putAll(pairs(a.get(PREVIOUS_JOB_OPTIONS)));
        }
        extra.put("kafka.bounded", "LATEST");
        Run r = run(topic, extra, settlement, applySchema);
        StringBuilder line = new StringBuilder();
        r.values().forEach((k, v) -> line.append(k).append('=').append(v).append('\t'));
        r.env()
                .forEach((k, v) ->
                        line.append("env.").append(k).append('=').append(v).append('\t'));
        if (!chained) {
            // Only the current build is run unchained: an older build's own runner may not take Flink options.
            line.append(BuildRunner.FLINK_OPTION)
                    .append(PipelineOptions.OPERATOR_CHAINING.key())
                    .append("=false\t");
        }
        child.in.write(line.substring(0, line.length() - 1) + "\n");
        child.in.flush();
        child.await("STARTING");
        Cpu before = Cpu.now(child.process.pid(), kafkaProcess.pid());
        ThreadCpu threads = ThreadCpu.start(child.process.pid());
        String result = child.await("RESULT ");
        Cpu used = Cpu.now(child.process.pid(), kafkaProcess.pid()).minus(before);
        // The current build's task names from its job graph, built here from the same code and options.
        List<String> tasks = child == current ? taskNames(jobGraph(r.options(), false, chained)) : List.of();
        Map<String, Double> split = threads.groups(used.self, tasks);
        if (!result.startsWith("ok ")) {
            throw new IllegalStateException(child.name + ": " + result);
        }
        return counted(r, Double.parseDouble(result.substring(3).trim()), used, split);
    }

    private Measured counted(Run r, double seconds, Cpu used, Map<String, Double> threads) throws Exception {
        Thread.sleep(1000); // PostgreSQL's table statistics lag a little
        String schema = schemaOf(r.options());
        return new Measured(
                seconds,
                used,
                count(schema, "trades", false),
                records(r.options().eventsTopic()),
                count(schema, "orders", true),
                count(schema, "ledger", false),
                count(schema, "balances", true),
                schema,
                threads);
    }

    /** Rows of a table (row versions written, for the upserted ones); 0 where the build has no such table. */
    private long count(String schema, String table, boolean versions) throws Exception {
        if (postgres.queryLong("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema + "' AND tablename = '"
                        + table + "'")
                == 0) {
            return 0;
        }
        return versions
                ? postgres.queryLong("SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE schemaname = '"
                        + schema + "' AND relname = '" + table + "'")
                : postgres.queryLong("SELECT count(*) FROM " + schema + "." + table);
    }

    /**
     * The database ceiling: as many rows per table as {@code source} wrote (its rows, repeated where it
     * wrote versions of one row), loaded by {@code COPY} into tables with the same columns and no index,
     * key or generated column, one connection per table, all at once. Only the loading is measured.
     */
    private Measured databaseCeiling(Measured source) throws Exception {
        runNo++;
        String id = "c" + runNo;
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put("trades", source.trades());
        rows.put("orders", source.ordersRows());
        rows.put("ledger", source.ledgerRows());
        rows.put("balances", source.balancesRows());
        Map<String, Path> dumps = new LinkedHashMap<>();
        try (Connection c = postgres.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + id);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (Map.Entry<String, Long> e : rows.entrySet()) {
                if (e.getValue() == 0) {
                    continue;
                }
                String table = e.getKey();
                st.execute("CREATE TABLE " + id + "." + table + " (LIKE " + source.schema() + "." + table + ")");
                Path dump = work.resolve(id + "-" + table + ".copy");
                try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(dump), 1 << 16)) {
                    copy.copyOut("COPY (SELECT * FROM " + source.schema() + "." + table + ") TO STDOUT", out);
                }
                dumps.put(table, dump);
            }
        }
        long self = ProcessHandle.current().pid();
        Cpu before = Cpu.now(self, kafkaProcess.pid());
        long start = System.nanoTime();
        List<Thread> loaders = new ArrayList<>();
        List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (Map.Entry<String, Path> e : dumps.entrySet()) {
            Repeated data = new Repeated(e.getValue(), rows.get(e.getKey()));
            Thread t = new Thread(() -> {
                try (Connection c = postgres.connect();
                        data) {
                    c.unwrap(PGConnection.class)
                            .getCopyAPI()
                            .copyIn("COPY " + id + "." + e.getKey() + " FROM STDIN", data, 1 << 16);
                } catch (Exception ex) {
                    failures.add(ex);
                }
            });
            t.start();
            loaders.add(t);
        }
        for (Thread t : loaders) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Cpu used = Cpu.now(self, kafkaProcess.pid()).minus(before);
        if (!failures.isEmpty()) {
            throw new IllegalStateException("COPY failed", failures.get(0));
        }
        long loaded = 0;
        for (String table : dumps.keySet()) {
            loaded += postgres.queryLong("SELECT count(*) FROM " + id + "." + table);
        }
        for (Path dump : dumps.values()) {
            Files.delete(dump);
        }
        if (loaded != source.rows()) {
            throw new IllegalStateException("loaded " + loaded + " rows, expected " + source.rows());
        }
        return new Measured(
                seconds,
                used,
                source.trades(),
                0,
                source.ordersRows(),
                source.ledgerRows(),
                source.balancesRows(),
                id,
                Map.of());
    }

    /** A COPY text file (one row a line) read over and over until {@code rows} rows are out. */
    private static final class Repeated extends java.io.InputStream {
        private final java.nio.channels.FileChannel file;
        private long left;

        Repeated(Path dump, long rows) throws IOException {
            long lines = 0;
            try (var in = new java.io.BufferedInputStream(Files.newInputStream(dump), 1 << 16)) {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    lines += b == '\n' ? 1 : 0;
                }
            }
            long remainder = rows % lines;
            long lastEnd = 0;
            try (var in = new java.io.BufferedInputStream(Files.newInputStream(dump), 1 << 16)) {
                for (long at = 1; remainder > 0; at++) {
                    if (in.read() == '\n' && --remainder == 0) {
                        lastEnd = at;
                    }
                }
            }
            this.file = java.nio.channels.FileChannel.open(dump);
            this.left = rows / lines * file.size() + lastEnd;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = file.read(java.nio.ByteBuffer.wrap(b, off, (int) Math.min(len, left)));
            if (n < 0) {
                file.position(0);
                n = file.read(java.nio.ByteBuffer.wrap(b, off, (int) Math.min(len, left)));
            }
            left -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            file.close();
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
            // "compare" measures settlement off: two latency series would double the run for one number.
            SpotMatchOptions options =
                    run(topic, Map.of(), a.get(SETTLEMENT).equals("on"), true).options();
            JobID job = submit(options);
            Thread.sleep(5_000); // deployed and reading
            Histogram histogram = new Histogram(60_000_000L, 3);
            AtomicBoolean done = new AtomicBoolean();
            long warmUpEnds = System.currentTimeMillis() + 5_000;
            Thread consumer = new Thread(() -> measure(options.eventsTopic(), histogram, warmUpEnds, done));
            consumer.start();
            Cpu before = Cpu.now(ProcessHandle.current().pid(), kafkaProcess.pid());
            LoadGenerator g = new LoadGenerator(
                    new LoadGenerator.Settings(bootstrap, topic, symbols, (long) rate * seconds, rate, 10 + i, 0));
            g.run();
            Thread.sleep(3_000);
            done.set(true);
            consumer.join();
            Cpu used =
                    Cpu.now(ProcessHandle.current().pid(), kafkaProcess.pid()).minus(before);
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

    /** CPU seconds so far of the job's JVM, the broker JVM and every PostgreSQL process (with exited backends). */
    record Cpu(double self, double kafka, double postgres) {
        static Cpu now(long jobPid, long kafkaPid) throws IOException {
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
            String[] self = stat(Path.of("/proc/" + jobPid));
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

        double sum() {
            return self + kafka + postgres;
        }

        Cpu minus(Cpu o) {
            return new Cpu(self - o.self, kafka - o.kafka, postgres - o.postgres);
        }
    }

    // ---- The previous build ----

    /**
     * The classpath of {@code commit}'s build: a git worktree under target/ (reused), built offline
     * once ({@code package}, never {@code install}); its test classpath from the reactor, and this
     * build's {@link BuildRunner} after it if that build has none.
     */
    private String previousBuild(String commit) throws Exception {
        Path root = Path.of(git(Path.of("."), "rev-parse", "--show-toplevel"));
        Path tree = root.resolve("target").resolve("previous-" + commit.substring(0, 12));
        if (!Files.isDirectory(tree)) {
            say("previous build: git worktree %s at %s", tree, commit);
            exec(root, "git", "worktree", "add", "--detach", tree.toString(), commit);
        }
        Path cp = tree.resolve("job/target/benchmark-classpath.txt");
        if (!Files.exists(cp)) {
            say("previous build: mvn -o -q -DskipTests package in %s (once)", tree);
            exec(
                    tree,
                    "mvn",
                    "-B",
                    "-o",
                    "-q",
                    "-DskipTests",
                    "package",
                    "dependency:build-classpath",
                    "-Dmdep.includeScope=test",
                    "-Dmdep.outputFile=target/benchmark-classpath.txt");
        }
        String classpath = tree.resolve("job/target/test-classes")
                + java.io.File.pathSeparator
                + tree.resolve("job/target/classes")
                + java.io.File.pathSeparator
                + Files.readString(cp).trim();
        String runner = BuildRunner.class.getName().replace('.', '/') + ".class";
        if (!Files.exists(tree.resolve("job/target/test-classes").resolve(runner))) {
            Path dir = work.resolve("runner");
            Files.createDirectories(dir.resolve(runner).getParent());
            try (var in = BuildRunner.class.getResourceAsStream("/" + runner)) {
                Files.copy(in, dir.resolve(runner));
            }
            classpath += java.io.File.pathSeparator + dir;
        }
        return classpath;
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        return exec(dir, command.toArray(String[]::new)).trim();
    }

    /** Runs a command to its end; its output, or an exception with the output if it failed. */
    private static String exec(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    /** A build's {@link BuildRunner} JVM: this JVM's heap and module flags, that build's classpath. */
    private final class Child implements AutoCloseable {
        final String name;
        final Process process;
        final java.io.Writer in;
        final BufferedReader out;

        Child(String name, String classpath) throws Exception {
            this.name = name;
            List<String> command = new ArrayList<>(List.of("java"));
            for (String arg :
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (arg.startsWith("-Xm") || arg.startsWith("--add-opens") || arg.startsWith("-XX:+Use")) {
                    command.add(arg);
                }
            }
            command.addAll(List.of(
                    "-cp",
                    classpath,
                    BuildRunner.class.getName(),
                    Integer.toString(Math.max(4, parallelism)),
                    work.resolve("checkpoints").toUri().toString()));
            process = new ProcessBuilder(command)
                    .redirectError(work.resolve(name.replace(' ', '-') + ".err").toFile())
                    .start();
            in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            await("READY");
            say("%s: JVM pid %d", name, process.pid());
        }

        /** The rest of the runner's next line that starts with {@code what}; its other lines are echoed. */
        String await(String what) throws IOException {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(BuildRunner.PREFIX + what)) {
                    return line.substring(BuildRunner.PREFIX.length() + what.length());
                }
                say("  [%s] %s", name, line);
            }
            throw new IllegalStateException(name + " exited; see " + work.resolve(name.replace(' ', '-') + ".err"));
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroy();
            }
        }
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
