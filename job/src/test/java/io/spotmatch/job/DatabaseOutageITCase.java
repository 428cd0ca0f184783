package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.flink.SymbolCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL goes away in the middle of a run (stopped, then started again): the JDBC sink
 * retries, the job restarts while the database is down, and in the end the tables hold exactly
 * what a run without the outage writes. No trade is lost.
 */
class DatabaseOutageITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    @Test
    void theSinkSurvivesTheDatabaseGoingAway() throws Exception {
        Pipeline reference = new Pipeline(SERVERS, 2);
        List<ProducerRecord<byte[], byte[]>> flow = FailureRecoveryITCase.flow(reference, 30_000, 4, 21);
        reference.produce(flow);
        reference.runToEnd(Map.of());

        Pipeline p = new Pipeline(reference);
        JobClient job = p.start(
                Map.of("kafka.bounded", "NONE", "jdbc.max-retries", "1"),
                Map.of(
                        "restart-strategy.type", "exponential-delay",
                        "restart-strategy.exponential-delay.initial-backoff", "200 ms",
                        "restart-strategy.exponential-delay.max-backoff", "1 s",
                        "restart-strategy.exponential-delay.attempts-before-reset-backoff", "1000"),
                s -> s.map(new Throttle(3000), SymbolCommand.TYPE)
                        .uid("throttle")
                        .name("Throttle"));
        p.awaitProgress(job, 8_000, Duration.ofMinutes(1));
        SERVERS.postgres().stop();
        try {
            Thread.sleep(6_000); // writes fail, retries fail, the job restarts and cannot reconnect
        } finally {
            SERVERS.postgres().restart();
        }
        p.awaitCaughtUp(job, Duration.ofMinutes(3));
        job.cancel().get();

        assertThat(p.query(Pipeline.TRADES)).containsExactlyElementsOf(reference.query(Pipeline.TRADES));
        assertThat(p.query(Pipeline.ORDERS)).containsExactlyElementsOf(reference.query(Pipeline.ORDERS));
        assertThat(p.dedupedEvents()).isEqualTo(reference.events());
    }
}
