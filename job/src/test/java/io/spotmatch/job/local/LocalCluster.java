package io.spotmatch.job.local;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.spotmatch.job.CommandLine;
import io.spotmatch.job.Schema;
import io.spotmatch.marketdata.MarketData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * A stand-in for the docker-compose setup on a machine without Docker: Kafka and PostgreSQL with the
 * schema in this JVM, and a Flink standalone session cluster (REST and web UI on 127.0.0.1:8081) of
 * its own JVMs ({@link StandaloneCluster}: a JobManager and one TaskManager on a distribution's lib/,
 * the job jar loaded child-first as on any cluster) that stays up until Ctrl-C, so jobs can be
 * submitted, stopped, restored and rescaled with the {@code flink} CLI exactly as the README's
 * Operations section does against docker-compose.
 */
public final class LocalCluster {

    static final ConfigOption<Integer> SLOTS =
            key("slots").intType().defaultValue(4).withDescription("Task slots of the one TaskManager.");
    static final ConfigOption<Integer> UI_PORT =
            key("ui-port").intType().defaultValue(8081).withDescription("Port of Flink's REST endpoint and web UI.");
    static final ConfigOption<String> DATA_DIR = key("data-dir")
            .stringType()
            .defaultValue(Path.of(System.getProperty("java.io.tmpdir"), "spotmatch-cluster")
                    .toString())
            .withDescription("Where checkpoints, savepoints, the Flink configuration and the Flink logs go.");
    static final List<ConfigOption<?>> OPTIONS = List.of(SLOTS, UI_PORT, DATA_DIR);

    public static void main(String[] args) throws Exception {
        System.setProperty("log4j2.configurationFile", "log4j2-local.properties");
        CommandLine a = CommandLine.parse(args, OPTIONS);
        Path data = Files.createDirectories(Path.of(a.get(DATA_DIR)));

        EmbeddedKafka kafka = EmbeddedKafka.start(9092, Map.of());
        EmbeddedPostgres postgres = EmbeddedPostgres.start();
        kafka.createTopic("orders", 8);
        kafka.createTopic("order-events", 8);
        kafka.createTopic("orders-dlq", 1);
        kafka.createTopic("orders-admin", 1);
        kafka.createTopic("funds", 8);
        kafka.createTopic("balances", 8);
        for (MarketData.Kind k : MarketData.Kind.values()) {
            kafka.createTopic(k.topic("market."), 8);
        }
        try (Connection c = postgres.connect()) {
            Schema.apply(c);
        }

        // The Flink processes' environment: the password PostgreSQL here accepts (the sinks read it on the
        // TaskManager) and the admin key, if this shell has one (a REST or web UI submission reads it in the
        // JobManager).
        Map<String, String> env = new java.util.HashMap<>();
        env.put("SPOTMATCH_JDBC_PASSWORD", "postgres");
        if (System.getenv("SPOTMATCH_ADMIN_KEY") != null) {
            env.put("SPOTMATCH_ADMIN_KEY", System.getenv("SPOTMATCH_ADMIN_KEY"));
        }
        StandaloneCluster cluster = StandaloneCluster.start(
                data, 1, a.get(SLOTS), Map.of("rest.port", Integer.toString(a.get(UI_PORT))), env);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            postgres.close();
            kafka.close();
        }));

        System.out.println(String.format(
                Locale.ROOT,
                """
                Local cluster ready (Ctrl-C stops everything):
                  Flink REST and web UI  http://127.0.0.1:%s   (flink ... -m 127.0.0.1:%s)
                  Kafka                  %s   topics orders (8), order-events (8), orders-dlq (1),
                                         orders-admin (1), funds (8), balances (8), market.* (8)
                  PostgreSQL             %s   user postgres, password postgres
                  Checkpoints            %s
                  Savepoints             %s
                  Flink configuration    %s   (FLINK_CONF_DIR)
                  Flink logs             %s""",
                a.get(UI_PORT),
                a.get(UI_PORT),
                kafka.bootstrapServers(),
                postgres.jdbcUrl(),
                data.resolve("checkpoints").toUri(),
                data.resolve("savepoints").toUri(),
                cluster.confDir(),
                data.resolve("log")));
        Thread.currentThread().join();
    }

    /** Puts every endpoint of a local Flink on 127.0.0.1, so nothing listens on the machine's other interfaces. */
    public static Configuration onLoopback(Configuration conf) {
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        return conf;
    }
}
