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
 * PostgreSQL is down for a moment, shorter than the sinks' retries: both sinks retry (the trades
 * sink reconnecting after 1 s, 2 s, ...) and the job goes on without a single restart. Restarts are
 * off here, so any task failure fails the test: before the trades sink retried its reconnects, the
 * JDBC connector failed the task at the first reconnect that did not succeed.
 */
class ShortDatabaseOutageITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    @Test
    void bothSinksRideOutAShortOutageWithoutARestart() throws Exception {
        Pipeline reference = new Pipeline(SERVERS, 2);
        List<ProducerRecord<byte[], byte[]>> flow = FailureRecoveryITCase.flow(reference, 20_000, 4, 77);
        reference.produce(flow);
        reference.runToEnd(Map.of());

        Pipeline p = new Pipeline(reference);
        // Retries wait 1 + 2 + ... + 6 = 21 s in all: far longer than the outage plus a slow restart of the server.
        JobClient job = p.start(
                Map.of("kafka.bounded", "NONE", "jdbc.max-retries", "6", "jdbc.batch-interval", "100 ms"),
                Map.of("restart-strategy.type", "none"),
                s -> s.map(new Throttle(3000), SymbolCommand.TYPE)
                        .uid("throttle")
                        .name("Throttle"));
        p.awaitProgress(job, 6_000, Duration.ofMinutes(1));
        SERVERS.postgres().stop();
        try {
            Thread.sleep(1_500); // rows keep coming: both sinks' writes fail and are retried
        } finally {
            SERVERS.postgres().restart();
        }
        p.awaitCaughtUp(job, Duration.ofMinutes(3)); // throws if the job failed
        job.cancel().get();

        assertThat(p.query(Pipeline.TRADES)).containsExactlyElementsOf(reference.query(Pipeline.TRADES));
        assertThat(p.query(Pipeline.ORDERS)).containsExactlyElementsOf(reference.query(Pipeline.ORDERS));
    }
}
