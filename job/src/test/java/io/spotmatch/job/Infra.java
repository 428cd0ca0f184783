package io.spotmatch.job;

import io.spotmatch.job.local.EmbeddedKafka;
import io.spotmatch.job.local.EmbeddedPostgres;
import io.spotmatch.job.local.LocalCluster;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The real servers the integration tests run against: started once per JVM, shared by every test. */
final class Infra {

    private static EmbeddedKafka kafka;
    private static EmbeddedPostgres postgres;

    private Infra() {
    }

    static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start(Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        }
        return kafka;
    }

    static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            postgres = EmbeddedPostgres.start();
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::close));
        }
        return postgres;
    }

    /** A MiniCluster with enough slots for a rescale to 3, listening on loopback only. */
    static MiniClusterExtension miniCluster() {
        Configuration conf = LocalCluster.onLoopback(new Configuration());
        conf.setString("taskmanager.memory.managed.size", "256m");
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(4)
                .setConfiguration(conf)
                .build());
    }
}
