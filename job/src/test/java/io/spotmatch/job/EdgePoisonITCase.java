package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.Decimal;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.flink.DeadLetterSerializationSchema;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Poison that used to get past the dead-letter routing and stop the job on every restart: a
 * record too large to be its own dead letter, and values PostgreSQL refuses (a NUL in an asset
 * name, a timestamp beyond its range). The jobs run without a restart strategy, so any failure
 * fails the test; the trades after the poison prove the job kept going.
 */
class EdgePoisonITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    private static final long T0 = JobEndToEndITCase.T0;
    private static final int BIG = 8 * 1024 * 1024;

    @Test
    void aRecordLargerThanAProducerRequestIsDeadLetteredTruncatedWithItsReference() throws Exception {
        // The topic and the test's producer accept what a default producer (max.request.size 1 MiB) could not forward.
        Pipeline p = new Pipeline(SERVERS, 1, Map.of("max.message.bytes", Integer.toString(BIG)));
        byte[] hugeValue = new byte[2 * 1024 * 1024];
        Arrays.fill(hugeValue, (byte) '{');
        byte[] hugeKey = new byte[600 * 1000];
        Arrays.fill(hugeKey, (byte) 'K');
        byte[] cancel = utf8("{\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":7}");
        List<ProducerRecord<byte[], byte[]>> records = List.of(
                p.command("BTC-USDT", JobEndToEndITCase.listing("BTC", "0.01", "0.001", "0", "0"), T0),
                p.command("BTC-USDT", Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC), T0 + 1),
                p.record(0, utf8("BTC-USDT"), hugeValue, T0 + 2),
                p.record(0, hugeKey, cancel, T0 + 3),
                p.command("BTC-USDT", Command.limit(2, 8, Side.BUY, "100.00", "0.400", TimeInForce.GTC), T0 + 4));
        Properties producer = p.producerProps();
        producer.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(BIG));
        p.produce(records, producer);

        p.runToEnd(Map.of("job.parallelism", "1"));

        List<ConsumerRecord<byte[], byte[]>> dead = p.readAll(p.deadLetterTopic, false);
        assertThat(dead).hasSize(2);
        ConsumerRecord<byte[], byte[]> oversize = dead.get(0);
        assertThat(header(oversize, DeadLetterSerializationSchema.ERROR_CODE)).isEqualTo("OVERSIZE");
        assertThat(header(oversize, DeadLetterSerializationSchema.TRUNCATED)).isEqualTo("true");
        assertThat(header(oversize, DeadLetterSerializationSchema.ORIGINAL_VALUE_SIZE))
                .isEqualTo("2097152");
        assertThat(header(oversize, DeadLetterSerializationSchema.ORIGINAL_KEY_SIZE))
                .isEqualTo("8");
        assertThat(header(oversize, DeadLetterSerializationSchema.SOURCE_TOPIC)).isEqualTo(p.ordersTopic);
        assertThat(header(oversize, DeadLetterSerializationSchema.SOURCE_PARTITION))
                .isEqualTo("0");
        assertThat(header(oversize, DeadLetterSerializationSchema.SOURCE_OFFSET))
                .isEqualTo("2");
        assertThat(oversize.key()).isEqualTo(utf8("BTC-USDT"));
        assertThat(oversize.value()).isEqualTo(Arrays.copyOf(hugeValue, DeadLetterSerializationSchema.PREFIX_BYTES));
        assertThat(oversize.timestamp()).isEqualTo(T0 + 2);

        ConsumerRecord<byte[], byte[]> hugeKeyed = dead.get(1);
        assertThat(header(hugeKeyed, DeadLetterSerializationSchema.ERROR_CODE)).isEqualTo("KEY_SYMBOL_MISMATCH");
        assertThat(header(hugeKeyed, DeadLetterSerializationSchema.TRUNCATED)).isEqualTo("true");
        assertThat(header(hugeKeyed, DeadLetterSerializationSchema.ORIGINAL_KEY_SIZE))
                .isEqualTo("600000");
        assertThat(header(hugeKeyed, DeadLetterSerializationSchema.ORIGINAL_VALUE_SIZE))
                .isEqualTo(Integer.toString(cancel.length));
        assertThat(header(hugeKeyed, DeadLetterSerializationSchema.SOURCE_OFFSET))
                .isEqualTo("3");
        assertThat(header(hugeKeyed, DeadLetterSerializationSchema.ERROR_MESSAGE))
                .startsWith("key 'KKKK")
                .hasSize(DeadLetterSerializationSchema.MAX_MESSAGE_CHARS + 3);
        assertThat(hugeKeyed.key()).isEqualTo(Arrays.copyOf(hugeKey, DeadLetterSerializationSchema.PREFIX_BYTES));
        assertThat(hugeKeyed.value()).isEqualTo(cancel);

        assertThat(p.query("SELECT trade_id, price, quantity FROM trades")).containsExactly("1|100.00|0.400");
    }

    @Test
    void valuesTheDatabaseWouldRefuseAreDeadLetteredAndTheTablesKeepFilling() throws Exception {
        // The topic keeps timestamps far in the future (the broker's default refuses them, producers may not).
        Pipeline p = new Pipeline(SERVERS, 1, Map.of("message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE)));
        SymbolUpdate nulQuote = new SymbolUpdate(
                "ETH",
                "US\u0000DT",
                Decimal.parse("0.01"),
                Decimal.parse("0.001"),
                null,
                null,
                Decimal.parse("1000000"),
                Decimal.parse("1000"),
                Decimal.parse("0"),
                Decimal.parse("0"),
                SymbolStatus.TRADING,
                StpMode.NONE,
                false);
        long farFuture = 100_000_000_000_000_000L; // some 3 million years from now; PostgreSQL ends at 294276 AD
        List<ProducerRecord<byte[], byte[]>> records = List.of(
                p.command("BTC-USDT", JobEndToEndITCase.listing("BTC", "0.01", "0.001", "0", "0"), T0),
                p.command("ETH-USDT", Command.symbol(nulQuote), T0 + 1),
                p.command("BTC-USDT", Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC), T0 + 2),
                p.command("BTC-USDT", Command.limit(2, 8, Side.BUY, "100.00", "0.400", TimeInForce.GTC), farFuture),
                p.command("ETH-USDT", Command.limit(11, 7, Side.SELL, "10.00", "1.000", TimeInForce.GTC), T0 + 4),
                p.command("ETH-USDT", Command.limit(12, 8, Side.BUY, "10.00", "1.000", TimeInForce.GTC), T0 + 5),
                p.command("BTC-USDT", Command.limit(3, 8, Side.BUY, "100.00", "0.300", TimeInForce.GTC), T0 + 6));
        p.produce(records);

        p.runToEnd(Map.of("job.parallelism", "1"));

        List<ConsumerRecord<byte[], byte[]>> dead = p.readAll(p.deadLetterTopic, false);
        assertThat(dead)
                .extracting(d -> header(d, DeadLetterSerializationSchema.ERROR_CODE) + "@"
                        + header(d, DeadLetterSerializationSchema.SOURCE_OFFSET))
                .containsExactly("INVALID_FIELD@1", "INVALID_TIMESTAMP@3");
        assertThat(header(dead.get(0), DeadLetterSerializationSchema.ERROR_MESSAGE))
                .contains("'quoteAsset'");
        assertThat(header(dead.get(1), DeadLetterSerializationSchema.SOURCE_TIMESTAMP))
                .isEqualTo(Long.toString(farFuture));
        assertThat(dead.get(1).value()).isEqualTo(records.get(3).value());

        assertThat(p.query("SELECT symbol, trade_id, price, quantity, fee_asset FROM trades"))
                .containsExactly("BTC-USDT|1|100.00|0.300|USDT");
        assertThat(p.query("SELECT symbol, order_id, status, filled_quantity FROM orders ORDER BY order_id"))
                .containsExactly("BTC-USDT|1|PARTIALLY_FILLED|0.300", "BTC-USDT|3|FILLED|0.300");
        // ETH-USDT was never listed: its orders are business rejects, with events and no rows.
        assertThat(p.events().get("ETH-USDT")).hasSize(2).allMatch(e -> e.contains("\"type\":\"REJECTED\""));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
