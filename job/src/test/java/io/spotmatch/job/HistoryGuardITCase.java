package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.flink.SymbolCommand;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The books are only right if they were built from the whole history of the orders topic: a job
 * started without its state in the middle of the topic, or restored to offsets that retention has
 * deleted, fails visibly instead of writing trades, orders and events that collide with or
 * silently differ from the ones written before.
 */
class HistoryGuardITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static final Map<String, String> UNBOUNDED = Map.of("kafka.bounded", "NONE");
    /** Restarts allowed: a refused start must not use them. */
    static final Map<String, String> RESTARTS = Map.of(
            "restart-strategy.type",
            "fixed-delay",
            "restart-strategy.fixed-delay.attempts",
            "5",
            "restart-strategy.fixed-delay.delay",
            "200 ms");

    @Test
    void aResubmitWithoutStateAtTheCommittedOffsetsFailsWithoutRestarting(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Pipeline p = new Pipeline(SERVERS, 2);
        List<ProducerRecord<byte[], byte[]>> flow = FailureRecoveryITCase.flow(p, 3000, 4, 5);
        p.produce(flow.subList(0, 2000));
        JobClient first = p.start(UNBOUNDED, Map.of(), s -> s);
        p.awaitCaughtUp(first, Duration.ofMinutes(3));
        first.cancel().get();
        awaitTerminal(first);
        List<String> trades = p.query(Pipeline.TRADES);
        List<String> orders = p.query(Pipeline.ORDERS);
        assertThat(trades).isNotEmpty();

        p.produce(flow.subList(2000, flow.size()));
        JobClient again =
                p.start(Map.of("kafka.bounded", "NONE", "kafka.starting-offsets", "COMMITTED"), RESTARTS, s -> s);
        assertThatThrownBy(() -> again.getJobExecutionResult().get())
                .hasStackTraceContaining(SuppressRestartsException.class.getName())
                .hasStackTraceContaining("The job has no state for orders partition ")
                .hasStackTraceContaining("restore from a savepoint or checkpoint (flink run -s ...)")
                .hasStackTraceContaining("--job.allow-partial-history true")
                .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e))
                        .containsPattern("orders partition [01] and its first record is at offset [1-9][0-9]*:"));
        assertThat(again.getJobStatus().get()).isEqualTo(JobStatus.FAILED);
        assertThat(Pipeline.restarts(cluster, again.getJobID()))
                .as("restarts of a refused start")
                .isZero();
        assertThat(p.query(Pipeline.TRADES)).containsExactlyElementsOf(trades);
        assertThat(p.query(Pipeline.ORDERS)).containsExactlyElementsOf(orders);

        // The option for partial backfills does not let the same start write into tables that hold rows.
        assertThatThrownBy(() -> p.start(
                        Map.of(
                                "kafka.bounded",
                                "NONE",
                                "kafka.starting-offsets",
                                "COMMITTED",
                                "job.allow-partial-history",
                                "true"),
                        RESTARTS,
                        s -> s))
                .isInstanceOf(CommandLine.InvalidOptionException.class)
                .hasMessageStartingWith(
                        "--job.allow-partial-history is only for EMPTY trades, orders and ledger tables,"
                                + " and trades has rows");
    }

    @Test
    void aPartialBackfillRunsOnlyWhenAskedFor() throws Exception {
        Pipeline input = new Pipeline(SERVERS, 2);
        input.produce(FailureRecoveryITCase.flow(input, 2000, 4, 9));
        Map<String, String> middle =
                Map.of("kafka.starting-offsets", "OFFSETS", "kafka.starting-offsets-by-partition", "0:300,1:300");

        Pipeline refused = new Pipeline(input);
        assertThatThrownBy(() -> refused.runToEnd(middle))
                .hasStackTraceContaining(SuppressRestartsException.class.getName())
                .hasStackTraceContaining("and its first record is at offset 300");
        assertThat(refused.query("SELECT count(*) FROM orders")).containsExactly("0");

        Pipeline partial = new Pipeline(input);
        Map<String, String> allowed = new HashMap<>(middle);
        allowed.put("job.allow-partial-history", "true");
        partial.runToEnd(allowed);
        assertThat(partial.events()).isNotEmpty(); // rejections: the listings were before offset 300
    }

    @Test
    void aRestoreToOffsetsDeletedByRetentionFails() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        List<ProducerRecord<byte[], byte[]>> flow = FailureRecoveryITCase.flow(p, 4000, 4, 13);
        p.produce(flow.subList(0, 3000));
        Map<String, String> one = Map.of("kafka.bounded", "NONE", "job.parallelism", "1");
        JobClient slow = p.start(
                one,
                Map.of(),
                s -> s.map(new Throttle(200), SymbolCommand.TYPE)
                        .uid("throttle")
                        .name("Throttle"));
        p.awaitProgress(slow, 200, Duration.ofMinutes(3));
        String savepoint = p.stopWithSavepoint(slow);

        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SERVERS.kafka().bootstrapServers()))) {
            Map<TopicPartition, Long> end = io.spotmatch.job.local.EmbeddedKafka.endOffsets(admin, p.ordersTopic);
            Map<TopicPartition, RecordsToDelete> deletes = new HashMap<>();
            end.forEach((tp, offset) -> deletes.put(tp, RecordsToDelete.beforeOffset(offset)));
            admin.deleteRecords(deletes).all().get(); // retention went past the savepoint's offsets
        }
        p.produce(flow.subList(3000, flow.size()));

        // Not the earliest retained offset with the books carrying on: the job fails, naming the offset.
        assertThatThrownBy(() -> p.start(one, Map.of("execution.state-recovery.path", savepoint), s -> s)
                        .getJobExecutionResult()
                        .get(3, TimeUnit.MINUTES))
                .hasStackTraceContaining(OffsetOutOfRangeException.class.getName())
                .hasStackTraceContaining("is out of range for partition " + p.ordersTopic + "-0");
    }

    private static void awaitTerminal(JobClient job) throws Exception {
        while (!job.getJobStatus().get().isGloballyTerminalState()) {
            Thread.sleep(100);
        }
    }
}
