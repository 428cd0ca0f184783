package io.spotmatch.job.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) inside this JVM.
 *
 * <p>Listens on 127.0.0.1 only, on free ports, with its data in a temp directory that
 * {@link #close()} deletes. Settings are tuned for tests: every internal topic has one
 * partition and replication factor 1, and transactions may last up to an hour (Flink's
 * exactly-once KafkaSink default).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final int START_ATTEMPTS = 3;

    private final Path dataDir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final long startupMillis;
    private boolean closed;

    private EmbeddedKafka(Path dataDir, KafkaRaftServer server, String bootstrapServers, long startupMillis) {
        this.dataDir = dataDir;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.startupMillis = startupMillis;
    }

    /** Starts a broker with the default test settings. */
    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    /** Starts a broker on a free port; {@code overrides} go on top of the default properties. */
    public static EmbeddedKafka start(Map<String, String> overrides) {
        return start(0, overrides);
    }

    /**
     * Starts a broker whose client listener is {@code 127.0.0.1:brokerPort} (0 = a free port,
     * e.g. a fixed 9092 for a local demo). The controller listener always gets a free port.
     */
    public static EmbeddedKafka start(int brokerPort, Map<String, String> overrides) {
        // Free ports are found by binding to port 0 and releasing it, so another process may
        // take one before the broker binds it: retry with fresh ports if that happens.
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(brokerPort, overrides);
            } catch (RuntimeException e) {
                if (!causedByBindFailure(e)) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private static EmbeddedKafka startOnce(int requestedBrokerPort, Map<String, String> overrides) {
        long t0 = System.nanoTime();
        Path dataDir = createTempDir();
        KafkaRaftServer server = null;
        try {
            int brokerPort = requestedBrokerPort == 0 ? freePort() : requestedBrokerPort;
            int controllerPort = freePort();
            Properties props = brokerProperties(dataDir.resolve("kraft-logs"), brokerPort, controllerPort);
            props.putAll(overrides);
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            format(config);

            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup(); // returns once the broker is registered and unfenced
            String bootstrap = HOST + ":" + brokerPort;
            awaitReady(bootstrap);
            return new EmbeddedKafka(dataDir, server, bootstrap, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } catch (RuntimeException | Error e) {
            if (server != null) {
                shutdownQuietly(server);
            }
            deleteRecursively(dataDir);
            throw e;
        }
    }

    static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        // --- single combined KRaft node, loopback only ---
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // --- one partition, RF 1 for everything (defaults are 50 partitions / RF 3) ---
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // --- test speed / exactly-once friendliness ---
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("transaction.max.timeout.ms", String.valueOf(Duration.ofHours(1).toMillis()));
        p.put("auto.create.topics.enable", "false");
        // Keep everything: tests and backfills replay records whose timestamps are months old, which
        // the default 7-day time retention would delete under a running job.
        p.put("log.retention.ms", "-1");
        // --- keep the footprint small (2-core machines, many brokers per test run) ---
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        return p;
    }

    /** What {@code kafka-storage.sh format} does: write meta.properties + bootstrap checkpoint. */
    private static void format(KafkaConfig config) {
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(config.nodeId())
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setMetadataLogDirectory(config.metadataLogDir());
        config.logDirs().forEach(formatter::addDirectory);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("Formatting Kafka storage failed", e);
        }
    }

    private static void awaitReady(String bootstrap) {
        try (Admin admin = admin(bootstrap)) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Embedded Kafka did not become ready", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Wall-clock time {@link #start} took, including storage formatting. */
    public long startupMillis() {
        return startupMillis;
    }

    /** Creates a topic (replication factor 1) and waits until the controller has accepted it. */
    public void createTopic(String name, int partitions) {
        createTopic(bootstrapServers, name, partitions, Map.of());
    }

    /** Creates a topic with topic-level configs on any broker. */
    public static void createTopic(String bootstrapServers, String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin(bootstrapServers)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Creating topic " + name + " failed", e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("Creating topic " + name + " failed", e);
        }
    }

    /** The end offset of every partition of {@code topic}. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        for (var p : admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()) {
            request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new LinkedHashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** How many records {@code topic} holds, over all partitions. */
    public static long records(Admin admin, String topic) throws Exception {
        return endOffsets(admin, topic).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutdownQuietly(server);
        deleteRecursively(dataDir);
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                "30000"));
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            // best effort: we are tearing down anyway
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("embedded-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
