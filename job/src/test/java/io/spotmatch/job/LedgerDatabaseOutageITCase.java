package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.flink.SymbolCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With settlement on, PostgreSQL is down for a moment, shorter than the sinks' retries: the ledger
 * sink writes its batch again on a new connection after 1 s, 2 s, ... and the job goes on without a
 * restart (restarts are off: any task failure fails the test), with the reference run's ledger row
 * for row. A batch whose commit was lost with the connection may be in the table already; its retry
 * then takes the replay path and adds nothing twice.
 */
class LedgerDatabaseOutageITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    @Test
    void theLedgerSinkRidesOutAShortOutageWithoutARestart() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String fundsTopic = "funds-" + id;
        SERVERS.kafka().createTopic(fundsTopic, 2);
        Pipeline reference = new Pipeline(SERVERS, 2);
        List<ProducerRecord<byte[], byte[]>> funds = new ArrayList<>();
        long t = JobEndToEndITCase.T0 - 1_000;
        for (long user = 1; user <= 50; user++) {
            String json = "{\"type\":\"DEPOSIT\",\"txId\":\"usdt-" + user + "\",\"userId\":" + user
                    + ",\"asset\":\"USDT\",\"amount\":\"1000000\"}";
            funds.add(new ProducerRecord<>(
                    fundsTopic,
                    null,
                    t++,
                    Long.toString(user).getBytes(StandardCharsets.UTF_8),
                    json.getBytes(StandardCharsets.UTF_8)));
        }
        reference.produce(funds);
        reference.produce(FailureRecoveryITCase.flow(reference, 20_000, 4, 78));
        reference.runToEnd(settlement(fundsTopic, "balances-a-" + id));
        List<String> ledger = reference.query(SettlementITCase.LEDGER);

        Pipeline p = new Pipeline(reference);
        Map<String, String> options = new HashMap<>(settlement(fundsTopic, "balances-b-" + id));
        // Retries wait 1 + 2 + ... + 6 = 21 s in all: far longer than the outage plus a slow restart of the server.
        options.putAll(Map.of("kafka.bounded", "NONE", "jdbc.max-retries", "6", "jdbc.batch-interval", "100 ms"));
        JobClient job = p.start(
                options,
                Map.of("restart-strategy.type", "none"),
                s -> s.map(new Throttle(3000), SymbolCommand.TYPE)
                        .uid("throttle")
                        .name("Throttle"));
        p.awaitProgress(job, 6_000, Duration.ofMinutes(1));
        SERVERS.postgres().stop();
        try {
            Thread.sleep(1_500); // movements keep coming: the ledger sink's writes fail and are retried
        } finally {
            SERVERS.postgres().restart();
        }
        p.awaitCaughtUp(job, Duration.ofMinutes(3)); // throws if the job failed
        job.cancel().get();

        assertThat(ledger).hasSizeGreaterThan(10_000);
        assertThat(p.query(SettlementITCase.LEDGER)).containsExactlyElementsOf(ledger);
    }

    private static Map<String, String> settlement(String fundsTopic, String balancesTopic) {
        SERVERS.kafka().createTopic(balancesTopic, 2);
        return Map.of("kafka.funds-topic", fundsTopic, "kafka.balances-topic", balancesTopic);
    }
}
