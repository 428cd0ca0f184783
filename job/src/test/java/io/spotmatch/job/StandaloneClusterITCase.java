package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.job.local.StandaloneCluster;
import io.spotmatch.load.OrderStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded jar on a real Flink cluster: a standalone session cluster of separate JVMs (a
 * JobManager, two one-slot TaskManagers) on a distribution's lib/ only, so every SpotMatch class
 * and every connector comes from the jar, child-first. Driven with Flink's CLI front end and REST
 * API as the README's Operations section does: submit, stop with a savepoint, dead-letter replay,
 * resubmit from the savepoint (REST upload and run), {@code kill -9} of a TaskManager under load
 * and a replacement TaskManager, a final stop and the book inspector. The trades, orders, events
 * and books are exactly those of one clean in-process run over the same topic.
 */
class StandaloneClusterITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster(); // the clean reference run only

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static final int FIRST = 12_000;
    static final int SECOND = 12_000;
    static final Pattern SUBMITTED = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");
    static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    static StandaloneCluster cluster;
    static Path home;

    @BeforeAll
    static void startCluster() throws Exception {
        home = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "standalone-cluster-");
        cluster = StandaloneCluster.start(
                home,
                2,
                1,
                // A killed TaskManager is noticed within seconds, not after the default 50 s.
                Map.of("heartbeat.interval", "1 s", "heartbeat.timeout", "5 s"),
                Pipeline.ADMIN_KEY_ENV);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        // The logs stay in target/ for a look after a failure; state, jars and temp files (hundreds of MB) go.
        for (String dir : List.of("checkpoints", "savepoints", "tmp", "upload")) {
            Path d = home.resolve(dir);
            if (Files.exists(d)) {
                try (var files = Files.walk(d)) {
                    files.sorted(java.util.Comparator.reverseOrder())
                            .forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    @Test
    void theClusterHasFlinkButNeitherTheJobNorTheConnectors() {
        List<String> jars = List.of(StandaloneCluster.flinkLib().split(java.io.File.pathSeparator));
        assertThat(jars)
                .anyMatch(j -> j.matches(".*/flink-runtime-[0-9.]+\\.jar"))
                .anyMatch(j -> j.matches(".*/flink-statebackend-rocksdb-[0-9.]+\\.jar"))
                .anyMatch(j -> j.matches(".*/flink-runtime-web-[0-9.]+\\.jar"))
                .noneMatch(j -> j.contains("spotmatch") || j.contains("/classes"))
                .noneMatch(j -> j.contains("flink-connector-kafka") || j.contains("flink-connector-jdbc"))
                .noneMatch(j -> j.contains("kafka-clients") || j.contains("postgresql"));
    }

    @Test
    void theShadedJarTradesStopsResumesAndSurvivesAKilledTaskManager() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 4);
        OrderStream stream = new OrderStream(8, 23, 0);
        List<ProducerRecord<byte[], byte[]>> flow = new ArrayList<>();
        for (int i = 0; i < 8 + FIRST + SECOND; i++) {
            flow.add(stream.next().toProducerRecord(p.ordersTopic, JobEndToEndITCase.T0 + i));
        }
        List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>(flow.subList(0, 8 + FIRST));
        // Three dead letters on partition 0: two orders a gateway sent without a key, and a record that is no JSON.
        ProducerRecord<byte[], byte[]> a = first.remove(100);
        ProducerRecord<byte[], byte[]> b = first.remove(100);
        String symbolA = new String(a.key(), StandardCharsets.UTF_8);
        String symbolB = new String(b.key(), StandardCharsets.UTF_8);
        first.add(p.record(0, null, a.value(), a.timestamp()));
        first.add(p.record(0, null, b.value(), b.timestamp()));
        first.add(p.record(0, a.key(), "{not json".getBytes(StandardCharsets.UTF_8), JobEndToEndITCase.T0));
        p.produce(first);
        String jar = PackagingITCase.JAR.toAbsolutePath().toString();
        List<String> args = args(p.options(Map.of("kafka.bounded", "NONE", "job.checkpoint-interval", "1 s")));

        // Submit with the CLI, as the README does.
        List<String> run = new ArrayList<>(List.of("run", "--detached", "--parallelism", "2", jar));
        run.addAll(args);
        String jobId = submitted(cluster.flink(run.toArray(String[]::new)));
        awaitCaughtUp(p, jobId);
        assertThat(p.query("SELECT count(*) > 0 FROM trades")).containsExactly("t");
        assertThat(cluster.flink("list").text()).containsPattern(" : " + jobId + " : SpotMatch \\(RUNNING\\)");

        // Stop with a savepoint.
        awaitAllTasksRunning(jobId);
        String savepoint = stopped(cluster.flink("stop", jobId), jobId);
        assertThat(statusAfterStop(jobId)).isEqualTo("FINISHED");

        // The dead letters, replayed from the same jar (dry run first), go back to the orders topic re-keyed.
        String classpath = jar + java.io.File.pathSeparator + StandaloneCluster.flinkLib();
        String replay = "io.spotmatch.job.tools.DeadLetterReplay";
        List<String> replayArgs = List.of(
                "--bootstrap-servers",
                SERVERS.kafka().bootstrapServers(),
                "--dead-letter-topic",
                p.deadLetterTopic,
                "--orders-topic",
                p.ordersTopic,
                "--error-code",
                "KEY_SYMBOL_MISMATCH",
                "--rekey",
                "true");
        String dlq = p.deadLetterTopic;
        StandaloneCluster.Output dry = cluster.run(classpath, replay, replayArgs.toArray(String[]::new));
        assertThat(dry.exitCode()).as(dry.text()).isZero();
        assertThat(dry.text().lines())
                .containsSubsequence(
                        "Replaying " + dlq + " {" + dlq + "-0=3} to " + p.ordersTopic + " (dry run)",
                        dlq + "[0]@0 KEY_SYMBOL_MISMATCH -> would publish to " + p.ordersTopic + " keyed " + symbolA,
                        dlq + "[0]@1 KEY_SYMBOL_MISMATCH -> would publish to " + p.ordersTopic + " keyed " + symbolB,
                        dlq + "[0]@2 INVALID_JSON -> skipped (not KEY_SYMBOL_MISMATCH)",
                        "Would replay 2, skipped 1");
        List<String> realArgs = new ArrayList<>(replayArgs);
        realArgs.addAll(List.of("--dry-run", "false"));
        StandaloneCluster.Output real = cluster.run(classpath, replay, realArgs.toArray(String[]::new));
        assertThat(real.exitCode()).as(real.text()).isZero();
        assertThat(real.text().lines())
                .contains(
                        dlq + "[0]@0 KEY_SYMBOL_MISMATCH -> published to " + p.ordersTopic + " keyed " + symbolA,
                        "Replayed 2, skipped 1");

        // Resubmit from the savepoint through the REST API (what the web UI does).
        String jarId = cluster.upload(PackagingITCase.JAR);
        // A main that refuses its options exits; in the JobManager that fails the submission, not the JobManager.
        List<String> wrong = new ArrayList<>(args);
        wrong.set(wrong.indexOf("--kafka.orders-topic") + 1, "no-such-topic");
        assertThatThrownBy(() -> cluster.post(
                        "/jars/" + jarId + "/run",
                        Map.of("programArgsList", wrong, "parallelism", 2, "savepointPath", savepoint)))
                .hasMessageContaining("answered 400")
                .hasMessageContaining("Flink user code attempted to exit JVM");
        assertThat(cluster.registeredTaskManagers()).isEqualTo(2);
        String resumed = cluster.post(
                        "/jars/" + jarId + "/run",
                        Map.of("programArgsList", args, "parallelism", 2, "savepointPath", savepoint))
                .get("jobid")
                .asText();

        // The second half arrives while the job runs; one TaskManager is killed on the way and replaced.
        // Produced over about six seconds, so records keep arriving after the kill.
        Thread producer = new Thread(() -> {
            List<ProducerRecord<byte[], byte[]>> second = flow.subList(8 + FIRST, flow.size());
            for (int from = 0; from < second.size(); from += 500) {
                p.produce(second.subList(from, Math.min(second.size(), from + 500)));
                sleep(250);
            }
        });
        producer.start();
        awaitCommitted(p, resumed, 8 + FIRST + SECOND / 4);
        cluster.kill("taskmanager-2");
        cluster.startTaskManager("taskmanager-3");
        await(
                p,
                resumed,
                admin -> cluster.get("/jobs/" + resumed + "/exceptions")
                                .path("exceptionHistory")
                                .path("entries")
                                .size()
                        > 0);
        producer.join();
        awaitCaughtUp(p, resumed);
        awaitAllTasksRunning(resumed);
        String last = stopped(cluster.flink("stop", resumed), resumed);

        // The book inspector from the same jar, run on the cluster, over the last savepoint.
        StandaloneCluster.Output inspected = cluster.flink(
                "run",
                "--class",
                "io.spotmatch.job.tools.BookInspector",
                jar,
                "--path",
                last,
                "--depth",
                "1000",
                "--orders",
                "true");
        assertThat(inspected.exitCode()).as(inspected.text()).isZero();
        List<String> books = inspected
                .text()
                .lines()
                .filter(l -> l.startsWith("{\"symbol\":"))
                .toList();

        // One clean run over the same topic, in this JVM.
        Pipeline reference = new Pipeline(p);
        JobClient clean = reference.start(Map.of("kafka.bounded", "NONE"), Map.of(), s -> s);
        reference.awaitCaughtUp(clean, Duration.ofMinutes(2));
        List<String> expectedBooks = String.join("", Pipeline.books(reference.stopWithSavepoint(clean)))
                .lines()
                .toList();

        assertThat(p.query(Pipeline.TRADES)).containsExactlyElementsOf(reference.query(Pipeline.TRADES));
        assertThat(p.query(Pipeline.ORDERS)).containsExactlyElementsOf(reference.query(Pipeline.ORDERS));
        assertThat(
                        p.query(
                                "SELECT count(*) FILTER (WHERE n <> last OR first <> 1) FROM"
                                        + " (SELECT count(*) n, min(trade_id) first, max(trade_id) last FROM trades GROUP BY symbol) s"))
                .as("every symbol's trade ids run from 1 without a gap")
                .containsExactly("0");
        assertThat(books).hasSize(8).containsExactlyElementsOf(expectedBooks);
        assertThat(p.dedupedEvents()).isEqualTo(reference.events());
    }

    /** The job's options as program arguments; {@code --parallelism} of the submission sets the parallelism. */
    static List<String> args(Map<String, String> options) {
        Map<String, String> o = new LinkedHashMap<>(options);
        o.remove("job.parallelism");
        List<String> args = new ArrayList<>();
        o.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return args;
    }

    static String submitted(StandaloneCluster.Output out) {
        Matcher m = SUBMITTED.matcher(out.text());
        assertThat(out.exitCode()).as(out.text()).isZero();
        assertThat(m.find()).as(out.text()).isTrue();
        return m.group(1);
    }

    static String stopped(StandaloneCluster.Output out, String jobId) {
        assertThat(out.exitCode()).as(out.text()).isZero();
        assertThat(out.text()).contains("Suspending job \"" + jobId + "\" with a CANONICAL savepoint.");
        Matcher m = SAVEPOINT.matcher(out.text());
        assertThat(m.find()).as(out.text()).isTrue();
        return m.group(1);
    }

    /** Waits until the job's group has committed the end of the orders topic. */
    static void awaitCaughtUp(Pipeline p, String jobId) throws Exception {
        await(p, jobId, admin -> p.lag(admin) == 0);
    }

    static void awaitCommitted(Pipeline p, String jobId, long records) throws Exception {
        await(p, jobId, admin -> p.total(admin) - p.lag(admin) >= records);
    }

    /** A stop with a savepoint needs every task running (not just restarted, or still deploying). */
    static void awaitAllTasksRunning(String jobId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            var vertices = cluster.get("/jobs/" + jobId).path("vertices");
            boolean running = vertices.size() > 0;
            for (var v : vertices) {
                running &= v.path("status").asText().equals("RUNNING");
            }
            if (running) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("every task of " + jobId + " running")
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    /**
     * The job's status once it has left RUNNING: the CLI prints the savepoint's path when the
     * savepoint completes, and the JobManager reports the job FINISHED a moment later.
     */
    static String statusAfterStop(String jobId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String status = cluster.jobStatus(jobId);
        while (status.equals("RUNNING") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = cluster.jobStatus(jobId);
        }
        return status;
    }

    interface Progress {
        boolean reached(Admin admin) throws Exception;
    }

    static void await(Pipeline p, String jobId, Progress progress) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SERVERS.kafka().bootstrapServers()))) {
            while (!progress.reached(admin)) {
                String status = cluster.jobStatus(jobId);
                assertThat(status).as("job " + jobId).isIn("CREATED", "INITIALIZING", "RUNNING", "RESTARTING");
                assertThat(System.nanoTime())
                        .as("progress within 2 min, lag " + p.lag(admin))
                        .isLessThan(deadline);
                Thread.sleep(250);
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
