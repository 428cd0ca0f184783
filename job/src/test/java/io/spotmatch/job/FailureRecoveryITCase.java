package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.flink.SymbolCommand;
import io.spotmatch.load.OrderStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 100,000 orders over 8 symbols, with the job failing four times on the way (three exceptions
 * inside the job at different points, one failed checkpoint): the trades, the orders, the final
 * books and the events (repeats dropped by symbol and seq) are exactly those of a run without
 * failures.
 */
class FailureRecoveryITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static final int ORDERS = 100_000;

    static List<ProducerRecord<byte[], byte[]>> flow(Pipeline p, int orders, int symbols, long seed) {
        OrderStream stream = new OrderStream(symbols, seed, 0);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < orders + symbols; i++) {
            OrderStream.Record r = stream.next();
            records.add(r.toProducerRecord(p.ordersTopic, JobEndToEndITCase.T0 + i));
        }
        return records;
    }

    @Test
    void failuresLoseAndDuplicateNothing(@InjectMiniCluster MiniCluster cluster) throws Exception {
        Pipeline reference = new Pipeline(SERVERS, 4);
        reference.produce(flow(reference, ORDERS, 8, 7));
        Pipeline failing = new Pipeline(reference);

        Map<String, String> unbounded = Map.of("kafka.bounded", "NONE");
        JobClient clean = reference.start(unbounded, Map.of(), s -> s);
        reference.awaitCaughtUp(clean, Duration.ofMinutes(3));
        String cleanBooks = String.join("", Pipeline.books(reference.stopWithSavepoint(clean)));

        // Attempts 0 to 2 fail after some commands (per subtask, each subtask reads about half the topic),
        // attempt 3 fails its first checkpoint.
        JobClient job = failing.start(
                unbounded,
                Map.of(
                        "restart-strategy.type", "fixed-delay",
                        "restart-strategy.fixed-delay.attempts", "20",
                        "restart-strategy.fixed-delay.delay", "200 ms"),
                s -> s.map(
                                AttemptFailure.after(7_000, 15_000, 20_000).andFirstCheckpointOfAttempt(3),
                                SymbolCommand.TYPE)
                        .uid("failure-injector")
                        .name("Failure injector"));
        failing.awaitCaughtUp(job, Duration.ofMinutes(3));
        int restarts = Pipeline.restarts(cluster, job.getJobID());
        String failingBooks = String.join("", Pipeline.books(failing.stopWithSavepoint(job)));

        assertThat(restarts).as("failures injected").isEqualTo(4);

        assertThat(failing.query(Pipeline.TRADES)).containsExactlyElementsOf(reference.query(Pipeline.TRADES));
        assertThat(reference.query("SELECT count(*) FROM trades").get(0)).isNotEqualTo("0");
        assertThat(failing.query(Pipeline.ORDERS)).containsExactlyElementsOf(reference.query(Pipeline.ORDERS));
        assertThat(failingBooks).isEqualTo(cleanBooks).contains("\"openOrders\":");

        Map<String, List<String>> expected = reference.events();
        Map<String, List<String>> raw = failing.events();
        assertThat(failing.dedupedEvents()).isEqualTo(expected);
        long expectedCount = expected.values().stream().mapToLong(List::size).sum();
        long rawCount = raw.values().stream().mapToLong(List::size).sum();
        assertThat(rawCount).as("at least once: replays repeat events").isGreaterThanOrEqualTo(expectedCount);
    }
}
