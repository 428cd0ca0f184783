package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.Side;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.flink.DeadLetterSerializationSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Poison of every kind, mixed into a valid flow: each poison record lands in the dead-letter
 * topic with its bytes untouched and its reason, everything else is processed, and the job (run
 * with no restart strategy, so any failure would fail the test) finishes normally.
 */
class DeadLetterITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    private static final long T0 = 1_767_225_600_000L;

    private record Poison(String expectedCode, byte[] key, byte[] value) {}

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyPoisonRecordIsDeadLetteredAndNothingElseStops() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        byte[] btc = utf8("BTC-USDT");
        List<Poison> poison = List.of(
                new Poison("INVALID_JSON", btc, utf8("{\"type\":\"NEW\",\"symbol\":\"BTC-USDT\"")),
                new Poison("INVALID_JSON", btc, null),
                new Poison("INVALID_JSON", btc, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x7b}),
                new Poison("NOT_AN_OBJECT", btc, utf8("[1,2,3]")),
                new Poison("UNKNOWN_TYPE", btc, utf8("{\"type\":\"MODIFY\",\"symbol\":\"BTC-USDT\"}")),
                new Poison("MISSING_FIELD", btc, utf8("{\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"userId\":7}")),
                new Poison(
                        "INVALID_FIELD",
                        btc,
                        utf8("{\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":\"1\",\"userId\":7}")),
                new Poison(
                        "INVALID_DECIMAL",
                        btc,
                        utf8(
                                "{\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":7,\"price\":\"NaN\"}")),
                new Poison(
                        "INVALID_DECIMAL",
                        btc,
                        utf8(
                                "{\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":7,\"price\":\"Infinity\"}")),
                new Poison(
                        "OUT_OF_RANGE",
                        btc,
                        utf8(
                                "{\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":99999999999999999999,\"userId\":7}")),
                new Poison(
                        "OVERSIZE",
                        btc,
                        utf8("{\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":7,\"pad\":\""
                                + "x".repeat(2000) + "\"}")),
                new Poison(
                        "KEY_SYMBOL_MISMATCH",
                        utf8("ETH-USDT"),
                        utf8("{\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":7}")),
                new Poison(
                        "KEY_SYMBOL_MISMATCH",
                        null,
                        utf8("{\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":7}")));

        // Valid commands, with a poison record after each one.
        List<Command> valid = List.of(
                JobEndToEndITCase.listing("BTC", "0.01", "0.001", "0", "0"),
                Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC),
                Command.limit(2, 8, Side.BUY, "100.00", "0.400", TimeInForce.GTC),
                Command.limit(3, 8, Side.BUY, "100.001", "0.400", TimeInForce.GTC), // a business reject, not poison
                Command.cancel(1, 7));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<Long> poisonOffsets = new ArrayList<>();
        long t = T0;
        for (int i = 0; i < Math.max(valid.size(), poison.size()); i++) {
            if (i < valid.size()) {
                records.add(p.command("BTC-USDT", valid.get(i), t++));
            }
            if (i < poison.size()) {
                poisonOffsets.add((long) records.size());
                records.add(p.record(0, poison.get(i).key(), poison.get(i).value(), t++));
            }
        }
        p.produce(records);

        p.runToEnd(Map.of("kafka.max-record-bytes", "1024"));

        List<ConsumerRecord<byte[], byte[]>> dead = p.readAll(p.deadLetterTopic, false);
        dead.sort((a, b) -> Long.compare(offsetOf(a), offsetOf(b)));
        assertThat(dead).hasSize(poison.size());
        for (int i = 0; i < poison.size(); i++) {
            ConsumerRecord<byte[], byte[]> d = dead.get(i);
            Poison expected = poison.get(i);
            assertThat(header(d, DeadLetterSerializationSchema.ERROR_CODE))
                    .as("record %d", i)
                    .isEqualTo(expected.expectedCode());
            assertThat(header(d, DeadLetterSerializationSchema.ERROR_MESSAGE))
                    .as("record %d", i)
                    .isNotBlank();
            assertThat(d.key()).as("key of record %d", i).isEqualTo(expected.key());
            assertThat(d.value()).as("value of record %d", i).isEqualTo(expected.value());
            assertThat(header(d, DeadLetterSerializationSchema.SOURCE_TOPIC)).isEqualTo(p.ordersTopic);
            assertThat(header(d, DeadLetterSerializationSchema.SOURCE_PARTITION))
                    .isEqualTo("0");
            assertThat(offsetOf(d)).isEqualTo(poisonOffsets.get(i));
            assertThat(Long.parseLong(header(d, DeadLetterSerializationSchema.SOURCE_TIMESTAMP)))
                    .isEqualTo(d.timestamp())
                    .isEqualTo(records.get(poisonOffsets.get(i).intValue()).timestamp());
        }
        assertThat(header(dead.get(10), DeadLetterSerializationSchema.ERROR_MESSAGE))
                .contains("1024");

        // Every valid command was processed, in order, around the poison.
        List<String> events = p.events().get("BTC-USDT");
        assertThat(events).hasSize(6);
        assertThat(events.get(3)).contains("\"type\":\"TRADE\"", "\"quantity\":\"0.400\"");
        assertThat(events.get(4)).contains("\"type\":\"REJECTED\"", "\"reason\":\"INVALID_PRICE\"");
        assertThat(events.get(5)).contains("\"type\":\"CANCELLED\"", "\"cancelledQuantity\":\"0.600\"");
        assertThat(p.query("SELECT trade_id, price, quantity FROM trades")).containsExactly("1|100.00|0.400");
    }

    private static long offsetOf(ConsumerRecord<byte[], byte[]> r) {
        return Long.parseLong(header(r, DeadLetterSerializationSchema.SOURCE_OFFSET));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
