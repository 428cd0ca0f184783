package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The files at the top level that deploy the job: the cluster configuration, the compose file, the schema. */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void flinkConfigurationIsWhatTheReadmePromises() {
        Configuration c = GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf").toString());
        Map<String, String> m = c.toMap();
        assertThat(m).containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry("execution.checkpointing.interval", "10s")
                .containsEntry("execution.checkpointing.mode", "EXACTLY_ONCE")
                .containsEntry("execution.checkpointing.num-retained", "3")
                .containsEntry("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")
                .containsEntry("execution.checkpointing.savepoint-dir", "file:///flink-data/savepoints")
                .containsEntry("restart-strategy.type", "exponential-delay")
                .containsEntry("pipeline.generic-types", "false")
                .containsEntry("metrics.reporters", "prom")
                .containsEntry("metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeStartsEveryServiceOnlyAfterItsDependenciesAreHealthy() throws Exception {
        Map<String, Object> compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(ROOT.resolve("docker-compose.yml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services).containsOnlyKeys("kafka", "create-topics", "postgres", "jobmanager", "taskmanager");
        for (String longRunning : List.of("kafka", "postgres", "jobmanager", "taskmanager")) {
            assertThat(services.get(longRunning)).as(longRunning).containsKey("healthcheck");
        }
        for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
            Map<String, Map<String, String>> deps = (Map<String, Map<String, String>>) s.getValue().get("depends_on");
            if (deps != null) {
                deps.forEach((dep, how) -> assertThat(how.get("condition")).as(s.getKey() + " -> " + dep)
                        .isIn("service_healthy", "service_completed_successfully"));
            }
        }
        assertThat((String) services.get("jobmanager").get("image")).startsWith("flink:2.");
        assertThat((List<String>) services.get("jobmanager").get("volumes"))
                .contains("./flink-conf:/opt/spotmatch/flink-conf:ro", "./job/target/spotmatch-job-0.1.0.jar:/opt/spotmatch/spotmatch-job.jar:ro");
        assertThat((List<String>) services.get("postgres").get("volumes")).contains("./sql:/docker-entrypoint-initdb.d:ro");
    }

    /** Debian's docker-compose validates the file without a Docker engine; machines without it skip this. */
    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        assumeTrue(onPath("docker-compose"), "docker-compose is not installed (apt-get install docker-compose)");
        Process p = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "-q")
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(output).isZero();
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    @Test
    void schemaListsEveryScriptOfTheSqlFolderInOrder() throws Exception {
        try (Stream<Path> files = Files.list(ROOT.resolve("sql"))) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted())
                    .containsExactlyElementsOf(Schema.SCRIPTS);
        }
    }
}
