package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Order rows still queued in the orders sink's writer when the job is stopped with a savepoint
 * are in the savepoint, and the restored job writes them: here the orders table is locked for
 * the whole first run, so not one row can be written before the stop.
 */
class StopWithQueuedRowsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    /** Long enough for the whole test: this test is about rows that wait, not about timeouts. */
    private static final Map<String, String> PATIENT = Map.of(
            "jdbc.lock-timeout",
            "10 min",
            "jdbc.statement-timeout",
            "10 min",
            "jdbc.socket-timeout",
            "11 min",
            // Rows go to the writer at checkpoints only, so a few batches hold them all.
            "jdbc.batch-interval",
            "1 h",
            "jdbc.batch-size",
            "100000",
            "job.checkpoint-interval",
            "2 s");

    @Test
    void rowsQueuedAtTheStopAreRestoredAndWritten() throws Exception {
        Pipeline reference = new Pipeline(SERVERS, 2);
        List<ProducerRecord<byte[], byte[]>> flow = FailureRecoveryITCase.flow(reference, 400, 3, 77);
        reference.produce(flow);
        reference.runToEnd(Map.of());
        assertThat(reference.query(Pipeline.ORDERS)).hasSizeGreaterThan(100);

        Pipeline p = new Pipeline(reference);
        String savepoint;
        try (Connection lock = p.connect();
                Statement st = lock.createStatement()) {
            lock.setAutoCommit(false);
            st.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
            JobClient job = p.start(with(PATIENT, "kafka.bounded", "NONE"), Map.of(), UnaryOperator.identity());
            p.awaitCaughtUp(job, Duration.ofMinutes(3)); // a checkpoint holds every row, none written
            savepoint = p.stopWithSavepoint(job);
            lock.rollback();
        }
        // The stopped job's writer was blocked on the lock: it must not write once the lock is gone.
        Thread.sleep(3_000);
        assertThat(p.query("SELECT count(*) FROM orders")).containsExactly("0");
        assertThat(p.query(Pipeline.TRADES)).containsExactlyElementsOf(reference.query(Pipeline.TRADES));

        // No new input: what the restored job writes is what the savepoint kept. (Unbounded like the
        // stopped job: a restored Kafka split keeps the stopping offset it was saved with.)
        List<String> expected = reference.query(Pipeline.ORDERS);
        JobClient restored = p.start(
                with(PATIENT, "kafka.bounded", "NONE"),
                Map.of("execution.state-recovery.path", savepoint),
                UnaryOperator.identity());
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!p.query(Pipeline.ORDERS).equals(expected)
                && System.nanoTime() < deadline
                && !restored.getJobStatus().get().isGloballyTerminalState()) {
            Thread.sleep(200);
        }
        restored.cancel().get();
        assertThat(p.query(Pipeline.ORDERS)).containsExactlyElementsOf(expected);
        assertThat(p.query(Pipeline.TRADES)).containsExactlyElementsOf(reference.query(Pipeline.TRADES));
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
