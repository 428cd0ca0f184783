package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar that {@code flink run} gets: the job, the operations tools, the engine and the
 * connectors, and nothing the cluster already has or that only tests and local runs need. Runs
 * after {@code package}, on the real artifact.
 */
class PackagingITCase {

    static final Path JAR = Path.of(System.getProperty("spotmatch.shaded-jar", "target/spotmatch-job.jar"));

    @Test
    void shadedJarHoldsTheJobAndToolsAndNothingElse() throws Exception {
        assertThat(JAR).exists();
        List<String> entries;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            entries = jar.stream().map(ZipEntry::getName).toList();
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("io.spotmatch.job.SpotMatchJob");
        }
        assertThat(entries)
                .contains(
                        "io/spotmatch/job/SpotMatchJob.class",
                        "io/spotmatch/job/SpotMatchOptions.class",
                        "io/spotmatch/job/tools/BookInspector.class",
                        "io/spotmatch/job/tools/DeadLetterReplay.class",
                        "io/spotmatch/book/HeapOrderBook.class",
                        "io/spotmatch/flink/MatchOperator.class",
                        "io/spotmatch/wire/CommandJson.class",
                        "org/apache/flink/connector/kafka/source/KafkaSource.class",
                        "org/apache/flink/connector/jdbc/core/datastream/sink/JdbcSink.class",
                        "org/apache/flink/state/api/SavepointReader.class",
                        "org/postgresql/Driver.class",
                        "sql/V001__trades_and_orders.sql");
        List<String> forbidden = List.of(
                "io/spotmatch/job/local/", // local runner, cluster, embedded servers, benchmark
                "io/spotmatch/job/load/", // load generator
                "io/spotmatch/load/", // order flow generator
                "io/spotmatch/bench/",
                "org/apache/flink/runtime/", // Flink's runtime is on the cluster
                "org/apache/flink/streaming/api/",
                "org/apache/flink/api/",
                "org/apache/flink/state/rocksdb/",
                "org/rocksdb/",
                "kafka/server/", // Kafka's broker
                "kafka/log/",
                "org/apache/kafka/raft/",
                "org/apache/kafka/metadata/",
                "org/apache/kafka/storage/",
                "scala/",
                "io/zonky/", // embedded PostgreSQL
                "postgres-linux-x86_64.txz",
                "org/openjdk/jmh/",
                "org/HdrHistogram/",
                "org/apache/logging/log4j/", // logging is the cluster's
                "org/slf4j/",
                "org/junit/",
                "org/assertj/",
                "log4j2-local.properties",
                "log4j2-test.properties");
        for (String prefix : forbidden) {
            assertThat(entries).as("nothing under " + prefix).noneMatch(e -> e.startsWith(prefix));
        }
        assertThat(Files.size(JAR)).as("bytes").isLessThan(40L << 20);
    }
}
