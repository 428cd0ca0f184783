package io.spotmatch.job;

import io.spotmatch.job.local.EmbeddedKafka;
import io.spotmatch.job.local.EmbeddedPostgres;
import io.spotmatch.job.local.LocalCluster;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension for the real servers the integration tests run against: a Kafka broker and a
 * PostgreSQL, each started the first time a test class of the run needs it, shared by every class
 * that registers the extension, and stopped by JUnit when the run ends (the root context's store).
 *
 * <pre>
 * &#64;RegisterExtension static final RealServers SERVERS = new RealServers();
 * </pre>
 */
public final class RealServers implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealServers.class);

    private Servers servers;

    @Override
    public void beforeAll(ExtensionContext context) {
        servers = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Servers.class, k -> new Servers(), Servers.class);
    }

    /** Servers for a program outside JUnit (fixture generators); they stop with the JVM. */
    public static RealServers standalone() {
        RealServers r = new RealServers();
        r.servers = new Servers();
        Runtime.getRuntime().addShutdownHook(new Thread(r.servers::close));
        return r;
    }

    public EmbeddedKafka kafka() {
        return started().kafka();
    }

    public EmbeddedPostgres postgres() {
        return started().postgres();
    }

    private Servers started() {
        if (servers == null) {
            throw new IllegalStateException("register RealServers with @RegisterExtension on a static field");
        }
        return servers;
    }

    /** A MiniCluster with enough slots for a rescale to 3, listening on loopback only. */
    public static MiniClusterExtension miniCluster() {
        Configuration conf = LocalCluster.onLoopback(new Configuration());
        conf.setString("taskmanager.memory.managed.size", "256m");
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(4)
                .setConfiguration(conf)
                .build());
    }

    private static final class Servers implements ExtensionContext.Store.CloseableResource {
        private EmbeddedKafka kafka;
        private EmbeddedPostgres postgres;

        synchronized EmbeddedKafka kafka() {
            if (kafka == null) {
                kafka = EmbeddedKafka.start(Map.of());
            }
            return kafka;
        }

        synchronized EmbeddedPostgres postgres() {
            if (postgres == null) {
                postgres = EmbeddedPostgres.start();
            }
            return postgres;
        }

        @Override
        public synchronized void close() {
            if (kafka != null) {
                kafka.close();
                kafka = null;
            }
            if (postgres != null) {
                postgres.close();
                postgres = null;
            }
        }
    }
}
