package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        Configuration c =
                GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf").toString());
        Map<String, String> m = c.toMap();
        assertThat(m)
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry("execution.checkpointing.interval", "10s")
                .containsEntry("execution.checkpointing.mode", "EXACTLY_ONCE")
                .containsEntry("execution.checkpointing.num-retained", "3")
                .containsEntry("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")
                .containsEntry("execution.checkpointing.savepoint-dir", "file:///flink-data/savepoints")
                .containsEntry("restart-strategy.type", "exponential-delay")
                .containsEntry("pipeline.generic-types", "false")
                .containsEntry("metrics.reporters", "prom")
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeStartsEveryServiceOnlyAfterItsDependenciesAreHealthy() throws Exception {
        Map<String, Object> compose =
                (Map<String, Object>) new Load(LoadSettings.builder().build())
                        .loadFromString(Files.readString(ROOT.resolve("docker-compose.yml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services)
                .containsOnlyKeys(
                        "kafka", "create-topics", "postgres", "jobmanager", "taskmanager", "prometheus", "grafana");
        for (String longRunning : List.of("kafka", "postgres", "jobmanager", "taskmanager", "prometheus", "grafana")) {
            assertThat(services.get(longRunning)).as(longRunning).containsKey("healthcheck");
        }
        for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
            Map<String, Map<String, String>> deps =
                    (Map<String, Map<String, String>>) s.getValue().get("depends_on");
            if (deps != null) {
                deps.forEach((dep, how) -> assertThat(how.get("condition"))
                        .as(s.getKey() + " -> " + dep)
                        .isIn("service_healthy", "service_completed_successfully"));
            }
        }
        assertThat((String) services.get("jobmanager").get("image")).startsWith("flink:2.");
        assertThat((List<String>) services.get("jobmanager").get("volumes"))
                .contains(
                        "./flink-conf:/opt/spotmatch/flink-conf:ro",
                        "./job/target/spotmatch-job-0.1.0.jar:/opt/spotmatch/spotmatch-job.jar:ro");
        assertThat((List<String>) services.get("postgres").get("volumes"))
                .contains("./deploy/compose/postgres-init:/docker-entrypoint-initdb.d:ro", "./sql:/spotmatch/sql:ro");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> composeServices() throws Exception {
        Map<String, Object> compose =
                (Map<String, Object>) new Load(LoadSettings.builder().build())
                        .loadFromString(Files.readString(ROOT.resolve("docker-compose.yml")));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    /** Nothing is published beyond the host itself unless .env says so. */
    @Test
    @SuppressWarnings("unchecked")
    void composePublishesPortsOnTheLoopbackOnlyByDefault() throws Exception {
        int published = 0;
        for (Map.Entry<String, Map<String, Object>> s : composeServices().entrySet()) {
            for (Object port : (List<Object>) s.getValue().getOrDefault("ports", List.of())) {
                assertThat(port).as(s.getKey()).isInstanceOf(String.class);
                assertThat((String) port).as(s.getKey()).matches("\\$\\{SPOTMATCH_BIND:-127\\.0\\.0\\.1\\}:\\d+:\\d+");
                published++;
            }
        }
        assertThat(published).isEqualTo(7);
        assertThat(envExample()).containsEntry("SPOTMATCH_BIND", "127.0.0.1");
    }

    /**
     * Every password and key in the compose file is a reference to .env that fails when unset
     * (no fallback value), .env is git-ignored, and .env.example defines every variable the file uses.
     */
    @Test
    @SuppressWarnings("unchecked")
    void composeHoldsNoSecretsAndTakesThemFromAGitIgnoredEnvFile() throws Exception {
        Pattern reference = Pattern.compile("\\$\\{([A-Z_]+)(:[?-][^}]*)?\\}");
        int secrets = 0;
        for (Map.Entry<String, Map<String, Object>> s : composeServices().entrySet()) {
            Map<String, Object> env = (Map<String, Object>) s.getValue().getOrDefault("environment", Map.of());
            for (Map.Entry<String, Object> e : env.entrySet()) {
                if (e.getKey().matches(".*(PASSWORD|KEY|SECRET|TOKEN).*")) {
                    assertThat(String.valueOf(e.getValue()))
                            .as(s.getKey() + " " + e.getKey())
                            .matches("\\$\\{" + e.getKey() + ":\\?[^}]+\\}");
                    secrets++;
                }
            }
        }
        assertThat(secrets)
                .as("POSTGRES_PASSWORD and the job's two secrets on postgres, jobmanager, taskmanager; Grafana's admin")
                .isEqualTo(7);
        String composeText = Files.readString(ROOT.resolve("docker-compose.yml"));
        assertThat(composeText).doesNotContain(io.spotmatch.load.AdminSigning.KEY);
        Matcher m = reference.matcher(composeText);
        Map<String, String> example = envExample();
        while (m.find()) {
            assertThat(example).as(".env.example defines " + m.group(1)).containsKey(m.group(1));
        }
        assertThat(Files.readAllLines(ROOT.resolve(".gitignore"))).contains(".env");
        assertThat(example.get("SPOTMATCH_ADMIN_KEY").length()).isGreaterThanOrEqualTo(32);
    }

    private static Map<String, String> envExample() throws Exception {
        Map<String, String> vars = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                vars.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return vars;
    }

    /** The job's role in compose is the default jdbc.user and may only select, insert and update. */
    @Test
    void composeDatabaseRoleOfTheJobIsNoSuperuserAndOnlyReadsAndWrites() throws Exception {
        Path init = ROOT.resolve("deploy/compose/postgres-init");
        String role = String.join(
                "\n",
                Files.readAllLines(init.resolve("job-role.psql")).stream()
                        .filter(l -> !l.startsWith("--"))
                        .toList());
        String user = SpotMatchOptions.JDBC_USER.defaultValue();
        assertThat(role)
                .contains("CREATE ROLE " + user + " LOGIN PASSWORD :'job_password' NOSUPERUSER NOCREATEDB"
                        + " NOCREATEROLE")
                .contains("GRANT SELECT, INSERT, UPDATE ON TABLES TO " + user + ";")
                .doesNotContainIgnoringCase("DELETE")
                .doesNotContainIgnoringCase("TRUNCATE")
                .doesNotContainIgnoringCase("ALL PRIVILEGES")
                .doesNotContain(" SUPERUSER");
        try (Stream<Path> files = Files.list(init)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted())
                    .as("the role before the schema, so its default privileges cover the schema's tables")
                    .containsExactly("10-job-role.sh", "20-schema.sh", "job-role.psql");
        }
        assertThat(Files.readString(init.resolve("10-job-role.sh")))
                .contains("-v job_password=\"$SPOTMATCH_JDBC_PASSWORD\"");
        assertThat(Files.readString(init.resolve("20-schema.sh"))).contains("/spotmatch/sql/V*.sql");
    }

    /**
     * Debian's docker-compose validates the file without a Docker engine. CI (.ci/run) installs it,
     * so there its absence fails this test; a machine without it that is not CI skips it.
     */
    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        if (System.getenv("CI") != null) {
            assertThat(onPath("docker-compose"))
                    .as("docker-compose is missing although .ci/run installs it: see its warning at the start"
                            + " of the CI log (apt-get install docker-compose)")
                    .isTrue();
        }
        assumeTrue(onPath("docker-compose"), "docker-compose is not installed (apt-get install docker-compose)");
        Process p = new ProcessBuilder(
                        "docker-compose", "--env-file", ".env.example", "-f", "docker-compose.yml", "config", "-q")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
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
            assertThat(files.map(f -> f.getFileName().toString())
                            .filter(n -> n.endsWith(".sql"))
                            .sorted())
                    .containsExactlyElementsOf(Schema.SCRIPTS);
        }
    }

    /**
     * The Kubernetes manifest in step with the rest: its args are a valid job command line, every
     * cluster setting it shares with config.yaml has the same value, state lives on durable
     * storage, and the jar, class and secrets it names are the ones the image and the job use.
     */
    @Test
    @SuppressWarnings("unchecked")
    void kubernetesManifestAgreesWithTheClusterConfigurationAndTheJobsOptions() throws Exception {
        Map<String, Object> manifest =
                (Map<String, Object>) new Load(LoadSettings.builder().build())
                        .loadFromString(Files.readString(ROOT.resolve("deploy/kubernetes/spotmatch.yaml")));
        assertThat(manifest)
                .containsEntry("apiVersion", "flink.apache.org/v1beta1")
                .containsEntry("kind", "FlinkDeployment");
        Map<String, Object> spec = (Map<String, Object>) manifest.get("spec");
        Map<String, Object> job = (Map<String, Object>) spec.get("job");
        assertThat(job)
                .containsEntry("upgradeMode", "savepoint")
                .containsEntry("state", "running")
                .containsEntry("entryClass", SpotMatchJob.class.getName());
        Class.forName((String) job.get("entryClass"));

        List<String> args =
                ((List<Object>) job.get("args")).stream().map(String::valueOf).toList();
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i).substring(2);
            assertThat(args.get(i)).startsWith("--");
            assertThat(SpotMatchOptions.ALL.stream()
                            .anyMatch(o -> o.key().equals(name)
                                    || (CommandLine.isPrefix(o)
                                            && name.startsWith(o.key().replace("<name>", "")))))
                    .as("--" + name + " is a SpotMatchOptions option")
                    .isTrue();
        }
        SpotMatchOptions options = SpotMatchOptions.fromArgs(
                args.toArray(String[]::new),
                Map.of(SpotMatchOptions.ADMIN_KEY_ENV, io.spotmatch.load.AdminSigning.KEY));
        assertThat(options.kafkaProperties()).containsEntry("sasl.jaas.config", "${env:KAFKA_SASL_JAAS_CONFIG}");
        assertThat(args).noneMatch(a -> a.contains("password=")).doesNotContain("--jdbc.password");
        assertThat(((Number) job.get("parallelism")).intValue()).isLessThanOrEqualTo(options.maxParallelism());

        Map<String, String> cluster = GlobalConfiguration.loadConfiguration(
                        ROOT.resolve("flink-conf").toString())
                .toMap();
        Map<String, Object> flink = (Map<String, Object>) spec.get("flinkConfiguration");
        List<String> storage = List.of(
                "execution.checkpointing.dir", "execution.checkpointing.savepoint-dir", "high-availability.storageDir");
        int shared = 0;
        for (Map.Entry<String, Object> e : flink.entrySet()) {
            assertThat(e.getValue())
                    .as(e.getKey() + " is a string, as the operator wants")
                    .isInstanceOf(String.class);
            if (storage.contains(e.getKey())) {
                assertThat((String) e.getValue()).as(e.getKey()).startsWith("s3://");
            } else if (cluster.containsKey(e.getKey())) {
                assertThat(e.getValue()).as(e.getKey()).isEqualTo(cluster.get(e.getKey()));
                shared++;
            }
        }
        assertThat(shared).as("settings shared with config.yaml").isGreaterThan(20);
        for (String key : List.of(
                "state.backend.type",
                "execution.checkpointing.mode",
                "execution.checkpointing.incremental",
                "execution.checkpointing.num-retained",
                "execution.checkpointing.externalized-checkpoint-retention",
                "restart-strategy.type",
                "pipeline.generic-types",
                "pipeline.max-parallelism")) {
            assertThat(flink).as(key).containsKey(key);
        }
        assertThat(flink)
                .containsEntry("high-availability.type", "kubernetes")
                .containsKeys(storage.toArray(String[]::new));
        assertThat(flink.get("pipeline.max-parallelism"))
                .isEqualTo(String.valueOf(SpotMatchOptions.MAX_PARALLELISM.defaultValue()));

        // The jar the image copies is the one the build makes, where jarURI looks for it.
        String dockerfile = Files.readString(ROOT.resolve("deploy/kubernetes/Dockerfile"));
        assertThat((String) job.get("jarURI")).isEqualTo("local:///opt/flink/usrlib/spotmatch-job.jar");
        assertThat(dockerfile)
                .contains("COPY job/target/spotmatch-job-0.1.0.jar /opt/flink/usrlib/spotmatch-job.jar")
                .contains("FROM " + services().get("jobmanager").get("image"));

        // The secrets arrive as the variables the job reads.
        Map<String, Object> container = ((List<Map<String, Object>>)
                        ((Map<String, Object>) ((Map<String, Object>) spec.get("podTemplate")).get("spec"))
                                .get("containers"))
                .get(0);
        assertThat(container).containsEntry("name", "flink-main-container");
        Map<String, String> fromSecret = new java.util.HashMap<>();
        for (Map<String, Object> env : (List<Map<String, Object>>) container.get("env")) {
            Map<String, Object> from = (Map<String, Object>) env.get("valueFrom");
            if (from != null) {
                fromSecret.put((String) env.get("name"), (String)
                        ((Map<String, Object>) from.get("secretKeyRef")).get("name"));
            } else {
                assertThat((String) env.get("name")).doesNotContain("PASSWORD").doesNotContain("KEY");
            }
        }
        // The logging filter of the compose setup, also on Kubernetes; compose appends the file on both services.
        String logging = (String) ((Map<String, Object>) spec.get("logConfiguration")).get("log4j-console.properties");
        for (String line : Files.readAllLines(ROOT.resolve("flink-conf/log4j-quiet.properties"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                assertThat(logging).contains(line);
            }
        }
        for (String service : List.of("jobmanager", "taskmanager")) {
            assertThat(String.valueOf(services().get(service).get("entrypoint")))
                    .contains(
                            "cat /opt/spotmatch/flink-conf/log4j-quiet.properties >> /opt/flink/conf/log4j-console.properties");
        }
        assertThat(fromSecret)
                .containsOnlyKeys(
                        SpotMatchOptions.PASSWORD_ENV, SpotMatchOptions.ADMIN_KEY_ENV, "KAFKA_SASL_JAAS_CONFIG")
                .containsValue("spotmatch-secrets");
    }

    private static Map<String, Map<String, Object>> services() throws Exception {
        return composeServices();
    }
}
