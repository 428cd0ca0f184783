package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Dead letters fixed and replayed: the re-keyed records go back to the orders topic and the running job trades them. */
class DeadLetterReplayITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();


    @RegisterExtension

    static final RealServers SERVERS = new RealServers();

    @Test
    void replaysChosenDeadLettersBackToTheOrdersTopic() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        long t = JobEndToEndITCase.T0;
        p.produce(List.of(
                p.command("BTC-USDT", JobEndToEndITCase.listing("BTC", "0.01", "0.001", "0", "0"), t),
                p.command("BTC-USDT", Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC), t + 1),
                // a gateway bug: valid orders produced without a key
                p.record(0, null, CommandJson.write("BTC-USDT", Command.limit(2, 8, Side.BUY, "100.00", "0.400", TimeInForce.GTC)), t + 2),
                p.record(0, null, CommandJson.write("BTC-USDT", Command.limit(3, 8, Side.BUY, "100.00", "0.100", TimeInForce.GTC)), t + 3),
                p.record(0, "BTC-USDT".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8), t + 4)));
        JobClient job = p.start(Map.of("kafka.bounded", "NONE"), Map.of(), s -> s);
        p.awaitCaughtUp(job, Duration.ofMinutes(1));
        assertThat(p.readAll(p.deadLetterTopic, false)).hasSize(3);
        assertThat(p.query("SELECT count(*) FROM trades")).containsExactly("0");

        DeadLetterReplay.Settings dry = new DeadLetterReplay.Settings(SERVERS.kafka().bootstrapServers(), p.deadLetterTopic,
                p.ordersTopic, -1, 0, -1, "KEY_SYMBOL_MISMATCH", true, true);
        ByteArrayOutputStream dryOut = new ByteArrayOutputStream();
        assertThat(DeadLetterReplay.replay(dry, new PrintStream(dryOut, true, StandardCharsets.UTF_8)))
                .isEqualTo(new DeadLetterReplay.Result(2, 1));
        assertThat(p.readAll(p.ordersTopic, false)).hasSize(5);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeadLetterReplay.Result result = DeadLetterReplay.replay(new DeadLetterReplay.Settings(
                SERVERS.kafka().bootstrapServers(), p.deadLetterTopic, p.ordersTopic, -1, 0, -1, "KEY_SYMBOL_MISMATCH",
                true, false), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(result).isEqualTo(new DeadLetterReplay.Result(2, 1));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains(p.deadLetterTopic + "[0]@0 KEY_SYMBOL_MISMATCH -> published to " + p.ordersTopic
                + " keyed BTC-USDT", "@2 INVALID_JSON -> skipped (not KEY_SYMBOL_MISMATCH)", "Replayed 2, skipped 1");

        List<ConsumerRecord<byte[], byte[]>> orders = p.readAll(p.ordersTopic, false);
        assertThat(orders).hasSize(7);
        for (ConsumerRecord<byte[], byte[]> r : orders.subList(5, 7)) {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("BTC-USDT");
            assertThat(r.headers().lastHeader(DeadLetterReplay.REPLAYED_FROM)).isNotNull();
        }
        assertThat(orders.get(5).value()).isEqualTo(orders.get(2).value());

        // The running job trades the replayed orders against its book.
        p.awaitCaughtUp(job, Duration.ofMinutes(1));
        job.cancel().get();
        assertThat(p.query("SELECT taker_order_id, maker_order_id, quantity FROM trades ORDER BY trade_id"))
                .containsExactly("2|1|0.400", "3|1|0.100");
        assertThat(p.readAll(p.deadLetterTopic, false)).hasSize(3);
    }
}
