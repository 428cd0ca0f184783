package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.flink.SymbolCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stop-with-savepoint in the middle of a stream, then restore: with the same parallelism, 1 to 2
 * to 1, and 2 to 3. Every way gives exactly the trades, orders, events and final books of an
 * uninterrupted run. The legs before a savepoint are slowed down so that the stop lands mid-stream.
 */
class SavepointRescaleITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static final int ORDERS = 30_000;
    static final Map<String, String> UNBOUNDED = Map.of("kafka.bounded", "NONE");

    static Pipeline input;
    static Pipeline reference;
    static String referenceBooks;

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        input = new Pipeline(SERVERS, 4);
        input.produce(FailureRecoveryITCase.flow(input, ORDERS, 6, 11));
        reference = new Pipeline(input);
        JobClient job = reference.start(UNBOUNDED, Map.of(), s -> s);
        reference.awaitCaughtUp(job, Duration.ofMinutes(2));
        referenceBooks = String.join("", Pipeline.books(reference.stopWithSavepoint(job)));
    }

    /**
     * Runs the stream in legs of the given parallelisms: every leg but the last is throttled and
     * stopped with a savepoint once it has got through its share; each leg restores the previous
     * savepoint; the last runs to the end. Then checks everything against the uninterrupted run.
     */
    private static void runInLegs(int... parallelism) throws Exception {
        Pipeline p = new Pipeline(input);
        String savepoint = null;
        long total = ORDERS + 6;
        for (int leg = 0; leg < parallelism.length; leg++) {
            Map<String, String> options = Map.of("kafka.bounded", "NONE", "job.parallelism", "" + parallelism[leg]);
            Map<String, String> restore =
                    savepoint == null ? Map.of() : Map.of("execution.state-recovery.path", savepoint);
            boolean last = leg == parallelism.length - 1;
            JobClient job = p.start(
                    options,
                    restore,
                    last
                            ? s -> s
                            : s -> s.map(new Throttle(4000 / parallelism.length), SymbolCommand.TYPE)
                                    .uid("throttle")
                                    .name("Throttle"));
            if (last) {
                p.awaitCaughtUp(job, Duration.ofMinutes(2));
            } else {
                p.awaitProgress(job, total * (leg + 1) / parallelism.length, Duration.ofMinutes(2));
            }
            savepoint = p.stopWithSavepoint(job);
            if (!last) {
                try (var admin = org.apache.kafka.clients.admin.Admin.create(
                        Map.of("bootstrap.servers", SERVERS.kafka().bootstrapServers()))) {
                    assertThat(p.lag(admin))
                            .as("leg %d stopped mid-stream", leg)
                            .isPositive();
                }
            }
        }
        assertThat(p.query(Pipeline.TRADES)).containsExactlyElementsOf(reference.query(Pipeline.TRADES));
        assertThat(p.query(Pipeline.ORDERS)).containsExactlyElementsOf(reference.query(Pipeline.ORDERS));
        assertThat(p.dedupedEvents()).isEqualTo(reference.events());
        assertThat(String.join("", Pipeline.books(savepoint))).isEqualTo(referenceBooks);
    }

    @Test
    void restoreWithTheSameParallelism() throws Exception {
        runInLegs(2, 2);
    }

    @Test
    void rescaleFromOneToTwoAndBackToOne() throws Exception {
        runInLegs(1, 2, 1);
    }

    @Test
    void rescaleFromTwoToThree() throws Exception {
        runInLegs(2, 3);
    }

    @Test
    void theReferenceRunTradedAndLeftOpenOrders() throws Exception {
        assertThat(Long.parseLong(reference.query("SELECT count(*) FROM trades").get(0)))
                .isGreaterThan(1000);
        assertThat(referenceBooks).contains("\"openOrders\":").doesNotContain("\"openOrders\":0,");
        assertThat(List.of(referenceBooks.split("\n"))).hasSize(6);
    }
}
