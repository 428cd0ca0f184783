package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.book.Command;
import io.spotmatch.book.Side;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.job.tools.DeadLetterReplay;
import io.spotmatch.wire.CommandJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dead letters fixed and replayed: the re-keyed records go back to the orders topic once (a second
 * replay of the same range is refused), administrative commands never do, and the running job
 * trades them.
 */
class DeadLetterReplayITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    @Test
    void replaysChosenDeadLettersBackToTheOrdersTopicOnce() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        long t = JobEndToEndITCase.T0;
        p.produce(List.of(
                p.command("BTC-USDT", JobEndToEndITCase.listing("BTC", "0.01", "0.001", "0", "0"), t),
                p.command("BTC-USDT", Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC), t + 1),
                // a gateway bug: valid orders produced without a key
                p.record(
                        0,
                        null,
                        CommandJson.write(
                                "BTC-USDT", Command.limit(2, 8, Side.BUY, "100.00", "0.400", TimeInForce.GTC)),
                        t + 2),
                p.record(
                        0,
                        null,
                        CommandJson.write(
                                "BTC-USDT", Command.limit(3, 8, Side.BUY, "100.00", "0.100", TimeInForce.GTC)),
                        t + 3),
                p.record(
                        0,
                        "BTC-USDT".getBytes(StandardCharsets.UTF_8),
                        "{not json".getBytes(StandardCharsets.UTF_8),
                        t + 4),
                // an administrative command without a key: never goes back to the orders topic
                p.record(
                        0,
                        null,
                        CommandJson.write("ETH-USDT", JobEndToEndITCase.listing("ETH", "0.01", "0.001", "0", "0")),
                        t + 5)));
        JobClient job = p.start(Map.of("kafka.bounded", "NONE"), Map.of(), s -> s);
        p.awaitCaughtUp(job, Duration.ofMinutes(1));
        assertThat(p.readAll(p.deadLetterTopic, false)).hasSize(4);
        assertThat(p.query("SELECT count(*) FROM trades")).containsExactly("0");

        // A dry run unless told otherwise.
        DeadLetterReplay.Settings dry = DeadLetterReplay.settings(new String[] {
            "--bootstrap-servers",
            SERVERS.kafka().bootstrapServers(),
            "--dead-letter-topic",
            p.deadLetterTopic,
            "--orders-topic",
            p.ordersTopic,
            "--error-code",
            "KEY_SYMBOL_MISMATCH",
            "--rekey",
            "true"
        });
        assertThat(dry.dryRun()).isTrue();
        String dryOut = run(dry, new DeadLetterReplay.Result(2, 2));
        assertThat(dryOut)
                .contains(
                        p.deadLetterTopic + "[0]@0 KEY_SYMBOL_MISMATCH -> would publish to " + p.ordersTopic
                                + " keyed BTC-USDT",
                        "Would replay 2, skipped 2");
        assertThat(p.readAll(p.ordersTopic, false)).hasSize(6);
        assertThat(run(withType(dry, "CANCEL"), new DeadLetterReplay.Result(0, 4)))
                .contains("@0 KEY_SYMBOL_MISMATCH -> skipped (not CANCEL)");

        DeadLetterReplay.Settings real = DeadLetterReplay.settings(new String[] {
            "--bootstrap-servers",
            SERVERS.kafka().bootstrapServers(),
            "--dead-letter-topic",
            p.deadLetterTopic,
            "--orders-topic",
            p.ordersTopic,
            "--error-code",
            "KEY_SYMBOL_MISMATCH",
            "--rekey",
            "true",
            "--dry-run",
            "false"
        });
        String printed = run(real, new DeadLetterReplay.Result(2, 2));
        assertThat(printed)
                .contains(
                        p.deadLetterTopic + "[0]@0 KEY_SYMBOL_MISMATCH -> published to " + p.ordersTopic
                                + " keyed BTC-USDT",
                        "@2 INVALID_JSON -> skipped (not KEY_SYMBOL_MISMATCH)",
                        "@3 KEY_SYMBOL_MISMATCH -> skipped (SYMBOL is an administrative command, never replayed to "
                                + p.ordersTopic + ")",
                        "Replayed 2, skipped 2");

        List<ConsumerRecord<byte[], byte[]>> orders = p.readAll(p.ordersTopic, true);
        assertThat(orders).hasSize(8);
        for (ConsumerRecord<byte[], byte[]> r : orders.subList(6, 8)) {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("BTC-USDT");
            assertThat(r.headers().lastHeader(DeadLetterReplay.REPLAYED_FROM)).isNotNull();
        }
        assertThat(orders.get(6).value()).isEqualTo(orders.get(2).value());

        // The same range again is refused, and publishes nothing; a dry run with --force shows what it would repeat.
        assertThatThrownBy(() -> run(real, null))
                .isInstanceOf(DeadLetterReplay.ReplayFailed.class)
                .hasMessage("2 dead letters were already replayed (first: " + p.deadLetterTopic
                        + "[0]@0 KEY_SYMBOL_MISMATCH); pass --force true to replay them again");
        assertThat(p.readAll(p.ordersTopic, true)).hasSize(8);
        assertThat(run(
                        new DeadLetterReplay.Settings(
                                dry.bootstrapServers(),
                                dry.deadLetterTopic(),
                                dry.ordersTopic(),
                                -1,
                                0,
                                -1,
                                "KEY_SYMBOL_MISMATCH",
                                "",
                                true,
                                true,
                                true,
                                Map.of()),
                        new DeadLetterReplay.Result(2, 2)))
                .contains("-> would publish to " + p.ordersTopic + " keyed BTC-USDT (again: --force)");

        // A send that fails fails the replay, naming the record, and nothing of it is published.
        assertThatThrownBy(() -> run(
                        new DeadLetterReplay.Settings(
                                dry.bootstrapServers(),
                                dry.deadLetterTopic(),
                                "not a topic!",
                                -1,
                                0,
                                -1,
                                "INVALID_JSON",
                                "",
                                false,
                                false,
                                true,
                                Map.of()),
                        null))
                .isInstanceOf(DeadLetterReplay.ReplayFailed.class)
                .hasMessage("sending " + p.deadLetterTopic + "[0]@2 INVALID_JSON to not a topic! failed");

        // The running job trades the replayed orders against its book. (Not awaitCaughtUp: the replay's
        // transaction marker takes an offset the job never commits past.)
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!p.query("SELECT count(*) FROM trades").equals(List.of("2")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        job.cancel().get();
        assertThat(p.query("SELECT taker_order_id, maker_order_id, quantity FROM trades ORDER BY trade_id"))
                .containsExactly("2|1|0.400", "3|1|0.100");
        assertThat(p.readAll(p.deadLetterTopic, false)).hasSize(4);
    }

    private static DeadLetterReplay.Settings withType(DeadLetterReplay.Settings s, String type) {
        return new DeadLetterReplay.Settings(
                s.bootstrapServers(),
                s.deadLetterTopic(),
                s.ordersTopic(),
                s.partition(),
                s.fromOffset(),
                s.toOffset(),
                s.errorCode(),
                type,
                s.rekey(),
                s.dryRun(),
                s.force(),
                s.kafkaProperties());
    }

    /** Runs a replay, checks its result (unless null) and returns what it printed. */
    private static String run(DeadLetterReplay.Settings s, DeadLetterReplay.Result expected) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeadLetterReplay.Result result = DeadLetterReplay.replay(s, new PrintStream(out, true, StandardCharsets.UTF_8));
        if (expected != null) {
            assertThat(result).isEqualTo(expected);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
