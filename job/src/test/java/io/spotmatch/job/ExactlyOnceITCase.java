package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.flink.SymbolCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events with {@code kafka.events-delivery EXACTLY_ONCE} through three injected failures: a
 * read_committed consumer sees exactly the events of a clean run, each once; and the trades,
 * order rows, events and final books of the failing run agree with each other
 * ({@link ConsistencyCheck}), as they do in the clean run.
 */
class ExactlyOnceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static final int ORDERS = 20_000;

    @Test
    void everyEventOnceThroughFailuresAndOutputsAgreeWithEachOther(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Pipeline reference = new Pipeline(SERVERS, 2);
        reference.produce(FailureRecoveryITCase.flow(reference, ORDERS, 6, 23));
        Map<String, String> options = Map.of("kafka.bounded", "NONE", "kafka.events-delivery", "EXACTLY_ONCE");
        JobClient clean = reference.start(options, Map.of(), s -> s);
        reference.awaitCaughtUp(clean, Duration.ofMinutes(3));
        List<String> cleanBooks = Pipeline.books(reference.stopWithSavepoint(clean));
        Map<String, List<String>> expected = reference.events();
        ConsistencyCheck.check(reference, cleanBooks, expected);

        Pipeline failing = new Pipeline(reference);
        JobClient job = failing.start(
                options,
                Map.of(
                        "restart-strategy.type", "fixed-delay",
                        "restart-strategy.fixed-delay.attempts", "20",
                        "restart-strategy.fixed-delay.delay", "200 ms"),
                s -> s.map(AttemptFailure.after(1000, 1500, 2000), SymbolCommand.TYPE)
                        .uid("failure-injector")
                        .name("Failure injector"));
        failing.awaitCaughtUp(job, Duration.ofMinutes(5));
        assertThat(Pipeline.restarts(cluster, job.getJobID())).as("restarts").isEqualTo(3);
        List<String> books = Pipeline.books(failing.stopWithSavepoint(job));

        Map<String, List<String>> events = failing.events();
        assertThat(events)
                .as("read committed: the clean run's events, each once")
                .isEqualTo(expected);
        for (List<String> symbolEvents : events.values()) {
            long previous = 0;
            for (String json : symbolEvents) {
                long seq = Long.parseLong(ConsistencyCheck.field(json, "seq"));
                assertThat(seq).as("seq after %d", previous).isEqualTo(previous + 1);
                previous = seq;
            }
        }
        assertThat(failing.query(Pipeline.TRADES)).containsExactlyElementsOf(reference.query(Pipeline.TRADES));
        assertThat(failing.query(Pipeline.ORDERS)).containsExactlyElementsOf(reference.query(Pipeline.ORDERS));
        assertThat(books).isEqualTo(cleanBooks);
        ConsistencyCheck.check(failing, books, events);
    }
}
