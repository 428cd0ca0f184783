package io.spotmatch.job;

import io.spotmatch.book.Command;
import io.spotmatch.flink.SymbolCommand;
import io.spotmatch.job.local.EmbeddedKafka;
import io.spotmatch.load.AdminSigning;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One test's world: its own orders, events and dead-letter topics, its own PostgreSQL schema with
 * the real tables, and helpers to feed the topics, run the production topology on the MiniCluster
 * and read back everything it wrote.
 */
final class Pipeline {

    /** The environment the job's options read: the test admin key. */
    static final Map<String, String> ADMIN_KEY_ENV = Map.of(SpotMatchOptions.ADMIN_KEY_ENV, AdminSigning.KEY);

    final RealServers servers;
    final String id = UUID.randomUUID().toString().substring(0, 8);
    final String ordersTopic;
    final String eventsTopic = "events-" + id;
    final String deadLetterTopic = "dlq-" + id;
    final String schema = "t_" + id;
    final Path checkpoints;

    Pipeline(RealServers servers, int partitions) throws Exception {
        this(servers, null, partitions, Map.of());
    }

    /** A pipeline whose orders topic has these topic configs (e.g. to accept records a default topic refuses). */
    Pipeline(RealServers servers, int partitions, Map<String, String> ordersTopicConfigs) throws Exception {
        this(servers, null, partitions, ordersTopicConfigs);
    }

    /**
     * A pipeline on an orders topic of this name, created here: a savepoint fixture's source state
     * names the topic it read, and a job restored from it reads that topic on.
     */
    static Pipeline onOrdersTopic(RealServers servers, String ordersTopic, int partitions) throws Exception {
        EmbeddedKafka.createTopic(servers.kafka().bootstrapServers(), ordersTopic, partitions, Map.of());
        return new Pipeline(servers, ordersTopic, 0, Map.of());
    }

    /** A pipeline that reads another pipeline's orders topic into outputs of its own. */
    Pipeline(Pipeline input) throws Exception {
        this(input.servers, input.ordersTopic, 0, Map.of());
    }

    private Pipeline(
            RealServers servers, String sharedOrdersTopic, int partitions, Map<String, String> ordersTopicConfigs)
            throws Exception {
        this.servers = servers;
        ordersTopic = sharedOrdersTopic != null ? sharedOrdersTopic : "orders-" + id;
        if (sharedOrdersTopic == null) {
            EmbeddedKafka.createTopic(servers.kafka().bootstrapServers(), ordersTopic, partitions, ordersTopicConfigs);
        }
        servers.kafka().createTopic(eventsTopic, 2);
        servers.kafka().createTopic(deadLetterTopic, 1);
        try (Connection c = servers.postgres().connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        try (Connection c = connect()) {
            Schema.apply(c);
        }
        checkpoints = Files.createTempDirectory("spotmatch-it-" + id);
    }

    String jdbcUrl() {
        return servers.postgres().jdbcUrl() + "?currentSchema=" + schema;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
    }

    /** A file holding {@code password}, for jdbc.password-file (the tasks read it, as on a cluster). */
    static synchronized java.nio.file.Path passwordFile(String password) {
        try {
            java.nio.file.Path f = java.nio.file.Files.createTempFile("spotmatch-password-", "");
            f.toFile().deleteOnExit();
            return java.nio.file.Files.writeString(f, password + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The job's options for this pipeline; {@code overrides} win. */
    Map<String, String> options(Map<String, String> overrides) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("kafka.bootstrap-servers", servers.kafka().bootstrapServers());
        o.put("kafka.orders-topic", ordersTopic);
        o.put("kafka.events-topic", eventsTopic);
        o.put("kafka.dead-letter-topic", deadLetterTopic);
        o.put("kafka.group-id", "spotmatch-" + id);
        o.put("kafka.admin-topic", ""); // off: command() signs SYMBOL commands itself, as the relay would
        o.put("kafka.funds-topic", ""); // settlement off but where a test turns it on
        o.put(
                "market-data.streams",
                ""); // market data off but where a test turns it on (its topics are the test's own)
        o.put("kafka.starting-offsets", "EARLIEST");
        o.put("kafka.bounded", "LATEST");
        o.put("jdbc.url", jdbcUrl());
        o.put("jdbc.user", "postgres");
        o.put("jdbc.password-file", passwordFile("postgres").toString());
        o.put("jdbc.batch-size", "500");
        o.put("job.checkpoint-interval", "500 ms");
        o.put("job.parallelism", "2");
        o.putAll(overrides);
        return o;
    }

    /** A stream environment for the MiniCluster with the job's own configuration plus test settings. */
    StreamExecutionEnvironment environment(SpotMatchOptions options, Map<String, String> extra) {
        Configuration conf = SpotMatchJob.jobConfiguration(options);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        conf.addAll(Configuration.fromMap(extra));
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    /** Runs the production topology until its bounded source is exhausted; fails if the job fails. */
    void runToEnd(Map<String, String> overrides) throws Exception {
        start(overrides, Map.of(), UnaryOperator.identity())
                .getJobExecutionResult()
                .get();
    }

    /**
     * Starts the production topology, with {@code beforeMatch} between the dead-letter routing and
     * the books (failure injection, throttling) and {@code flinkConf} on top of the test settings.
     */
    JobClient start(
            Map<String, String> overrides,
            Map<String, String> flinkConf,
            UnaryOperator<DataStream<SymbolCommand>> beforeMatch)
            throws Exception {
        SpotMatchOptions options = SpotMatchOptions.fromMap(options(overrides), ADMIN_KEY_ENV);
        StreamExecutionEnvironment env = environment(options, flinkConf);
        Preflight.check(options, env.getConfiguration()); // as SpotMatchJob.main does before it submits
        SpotMatchJob.build(env, options, beforeMatch);
        return env.executeAsync(options.jobName());
    }

    /** Waits until the job's consumer group has committed the end of the orders topic (every sink flushed). */
    void awaitCaughtUp(JobClient job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers()))) {
            while (true) {
                JobStatus status = job.getJobStatus().get();
                if (status.isGloballyTerminalState()) {
                    job.getJobExecutionResult().get(); // throws the failure, if any
                    throw new IllegalStateException("job ended (" + status + ") before catching up");
                }
                if (lag(admin) == 0) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("job still " + lag(admin) + " records behind after " + timeout);
                }
                Thread.sleep(200);
            }
        }
    }

    /** Waits until the job's consumer group has committed at least {@code records} records. */
    void awaitProgress(JobClient job, long records, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers()))) {
            long total = total(admin);
            while (total - lag(admin) < records) {
                if (job.getJobStatus().get().isGloballyTerminalState() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("job did not reach " + records + " records: "
                            + job.getJobStatus().get());
                }
                Thread.sleep(100);
            }
        }
    }

    /** Records in the orders topic. */
    long total(Admin admin) throws Exception {
        return EmbeddedKafka.records(admin, ordersTopic);
    }

    /** Orders-topic records not yet covered by the group's committed offsets. */
    long lag(Admin admin) throws Exception {
        var committed = admin.listConsumerGroupOffsets("spotmatch-" + id)
                .partitionsToOffsetAndMetadata()
                .get();
        long lag = 0;
        for (var e : EmbeddedKafka.endOffsets(admin, ordersTopic).entrySet()) {
            var c = committed.get(e.getKey());
            lag += e.getValue() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** Stops the job with a canonical savepoint and returns its path. */
    String stopWithSavepoint(JobClient job) throws Exception {
        Path dir = Files.createDirectories(checkpoints.resolve("savepoints"));
        String path = job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();
        job.getJobExecutionResult().get();
        return path;
    }

    /**
     * How often a job has restarted, from its execution graph: every task's attempt number (the
     * job is one pipelined region, so every failure restarts every task).
     */
    static int restarts(org.apache.flink.runtime.minicluster.MiniCluster cluster, org.apache.flink.api.common.JobID job)
            throws Exception {
        int restarts = 0;
        for (var vertex : cluster.getExecutionGraph(job).get().getAllExecutionVertices()) {
            restarts = Math.max(restarts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return restarts;
    }

    /** The books in a savepoint, as the book inspector prints them (JSON, every resting order). */
    static List<String> books(String savepoint) throws Exception {
        return io.spotmatch.job.tools.BookInspector.inspect(
                StreamExecutionEnvironment.getExecutionEnvironment(), savepoint, false, 1000, true);
    }

    /**
     * Events per symbol with repeats (same seq) dropped, as an at-least-once consumer sees them;
     * seq-0 events (rejects of an unlisted symbol) are outside the sequence and dropped only as
     * byte-identical repeats.
     */
    Map<String, List<String>> dedupedEvents() {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (Map.Entry<String, List<String>> e : events().entrySet()) {
            Map<Long, String> bySeq = new java.util.TreeMap<>();
            java.util.Set<String> unsequenced = new java.util.LinkedHashSet<>();
            for (String json : e.getValue()) {
                int at = json.indexOf("\"seq\":") + 6;
                long seq = Long.parseLong(json.substring(at, json.indexOf(',', at)));
                if (seq == 0) {
                    unsequenced.add(json);
                } else {
                    bySeq.putIfAbsent(seq, json);
                }
            }
            List<String> events = new ArrayList<>(unsequenced);
            events.addAll(bySeq.values());
            out.put(e.getKey(), events);
        }
        return out;
    }

    // ---- Kafka ----

    Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        return p;
    }

    /** Sends raw records to the orders topic, in order, and waits until all are written. */
    void produce(List<ProducerRecord<byte[], byte[]>> records) {
        produce(records, producerProps());
    }

    void produce(List<ProducerRecord<byte[], byte[]>> records, Properties producerProps) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps)) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                p.send(r);
            }
            p.flush();
        }
    }

    /** An orders-topic record of a command, keyed by symbol, with a fixed timestamp; SYMBOL commands signed. */
    ProducerRecord<byte[], byte[]> command(String symbol, Command c, long timestamp) {
        return AdminSigning.record(ordersTopic, symbol, c, timestamp);
    }

    ProducerRecord<byte[], byte[]> record(Integer partition, byte[] key, byte[] value, long timestamp) {
        return new ProducerRecord<>(ordersTopic, partition, timestamp, key, value);
    }

    /** Everything in a topic up to its current end, partition by partition. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic, boolean readCommitted) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .sorted((a, b) -> a.partition() - b.partition())
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** The events of the events topic as JSON strings, grouped by symbol, each symbol's in order. */
    Map<String, List<String>> events() {
        Map<String, List<String>> bySymbol = new java.util.TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(eventsTopic, true)) {
            bySymbol.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return bySymbol;
    }

    // ---- PostgreSQL ----

    /** The rows of a query, each as its columns joined by '|'. */
    List<String> query(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    if (i > 1) {
                        sb.append('|');
                    }
                    sb.append(rs.getString(i));
                }
                rows.add(sb.toString());
            }
        }
        return rows;
    }

    static final String TRADES = "SELECT symbol, trade_id, seq, price, quantity, quote_quantity, taker_side,"
            + " taker_order_id, taker_user_id, maker_order_id, maker_user_id, taker_fee, maker_fee, fee_asset,"
            + " (EXTRACT(EPOCH FROM traded_at) * 1000)::bigint FROM trades ORDER BY symbol, trade_id";
    static final String ORDERS = "SELECT symbol, order_id, user_id, side, order_type, time_in_force, stp, price,"
            + " quantity, quote_quantity, status, filled_quantity, remaining_quantity, filled_quote, avg_price, fees,"
            + " cancel_reason, version, (EXTRACT(EPOCH FROM created_at) * 1000)::bigint,"
            + " (EXTRACT(EPOCH FROM updated_at) * 1000)::bigint FROM orders_view ORDER BY symbol, order_id";
}
