package io.spotmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.SymbolSpec;
import io.spotmatch.load.AdminSigning;
import io.spotmatch.wire.PoisonCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What reaches a table or the dead-letter topic is checked at the edge: nothing downstream can refuse it. */
class EdgeValidationTest {

    private static final String CANCEL = "{\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":7}";

    private static Inbound read(byte[] key, byte[] value, long timestamp) {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>(
                "orders",
                3,
                42,
                timestamp,
                TimestampType.CREATE_TIME,
                key == null ? -1 : key.length,
                value == null ? -1 : value.length,
                key,
                value,
                new org.apache.kafka.common.header.internals.RecordHeaders(),
                java.util.Optional.empty());
        List<Inbound> out = new ArrayList<>();
        new CommandDeserializationSchema(16 * 1024, AdminSigning.SIGNATURE).deserialize(r, new Collector<>() {
            @Override
            public void collect(Inbound record) {
                out.add(record);
            }

            @Override
            public void close() {}
        });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(longs = {-1L, -2L, CommandDeserializationSchema.MAX_TIMESTAMP + 1, Long.MAX_VALUE})
    void aTimestampOutsideTheTablesRangeIsPoison(long timestamp) {
        DeadLetter d = read(utf8("BTC-USDT"), utf8(CANCEL), timestamp).deadLetter();
        assertThat(d.code()).isEqualTo(PoisonCode.INVALID_TIMESTAMP);
        assertThat(d.timestamp()).isEqualTo(timestamp);
        // The dead letter itself does not carry the timestamp the dead-letter topic may refuse as well.
        ProducerRecord<byte[], byte[]> out = new DeadLetterSerializationSchema("dlq", 8192).serialize(d, null, null);
        assertThat(out.timestamp()).isNull();
        assertThat(header(out, DeadLetterSerializationSchema.SOURCE_TIMESTAMP)).isEqualTo(Long.toString(timestamp));
    }

    @ParameterizedTest
    @ValueSource(longs = {0L, 1_767_225_600_000L, CommandDeserializationSchema.MAX_TIMESTAMP})
    void aTimestampInsideTheRangeIsACommand(long timestamp) {
        Inbound in = read(utf8("BTC-USDT"), utf8(CANCEL), timestamp);
        assertThat(in.deadLetter()).isNull();
        assertThat(in.command().timestamp()).isEqualTo(timestamp);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BT\\u0000C", "", "BTC USDT", "BTC/USDT", "ÄBC", "ABCDEFGHIJKLMNOPQ", "BTC'"})
    void aMalformedAssetNameIsPoison(String asset) {
        String json = "{\"type\":\"SYMBOL\",\"symbol\":\"BTC-USDT\",\"baseAsset\":\"" + asset
                + "\",\"quoteAsset\":\"USDT\",\"tickSize\":\"0.01\",\"stepSize\":\"0.001\"}";
        DeadLetter d = read(utf8("BTC-USDT"), utf8(json), 1L).deadLetter();
        assertThat(d).isNotNull();
        assertThat(d.code()).isEqualTo(PoisonCode.INVALID_FIELD);
        assertThat(d.message()).contains("'baseAsset' must be 1 to 16 letters, digits or . _ -");
    }

    @Test
    void assetNamesAreLettersDigitsAndDotUnderscoreDashUpTo16() {
        assertThat(SymbolSpec.isValidAsset("USDT")).isTrue();
        assertThat(SymbolSpec.isValidAsset("1000SATS")).isTrue();
        assertThat(SymbolSpec.isValidAsset("USDC.e_x-1")).isTrue();
        assertThat(SymbolSpec.isValidAsset("ABCDEFGHIJKLMNOP")).isTrue();
        assertThat(SymbolSpec.isValidAsset("ABCDEFGHIJKLMNOPQ")).isFalse();
        assertThat(SymbolSpec.isValidAsset("US\u0000DT")).isFalse();
        assertThat(SymbolSpec.isValidAsset("")).isFalse();
        assertThat(SymbolSpec.isValidAsset(null)).isFalse();
    }

    @Test
    void aSmallDeadLetterKeepsItsBytesUntouched() {
        byte[] value = utf8("{not json");
        DeadLetter d = new DeadLetter(utf8("BTC-USDT"), value, "orders", 0, 5, 1000, PoisonCode.INVALID_JSON, "bad");
        ProducerRecord<byte[], byte[]> out = new DeadLetterSerializationSchema("dlq", 8192).serialize(d, null, null);
        assertThat(out.value()).isEqualTo(value);
        assertThat(out.key()).isEqualTo(utf8("BTC-USDT"));
        assertThat(out.timestamp()).isEqualTo(1000L);
        assertThat(out.headers().lastHeader(DeadLetterSerializationSchema.TRUNCATED))
                .isNull();
    }

    @Test
    void aDeadLetterAboveTheLimitKeepsPrefixesAndTheOriginalSizes() {
        byte[] key = new byte[600_000];
        byte[] value = new byte[2 * 1024 * 1024];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        DeadLetter d = new DeadLetter(
                key,
                value,
                "orders",
                2,
                77,
                1000,
                PoisonCode.KEY_SYMBOL_MISMATCH,
                "key '" + "k".repeat(600_000) + "' is not the symbol");
        ProducerRecord<byte[], byte[]> out =
                new DeadLetterSerializationSchema("dlq", 256 * 1024).serialize(d, null, null);
        assertThat(header(out, DeadLetterSerializationSchema.TRUNCATED)).isEqualTo("true");
        assertThat(header(out, DeadLetterSerializationSchema.ORIGINAL_KEY_SIZE)).isEqualTo("600000");
        assertThat(header(out, DeadLetterSerializationSchema.ORIGINAL_VALUE_SIZE))
                .isEqualTo(Integer.toString(2 * 1024 * 1024));
        assertThat(header(out, DeadLetterSerializationSchema.SOURCE_OFFSET)).isEqualTo("77");
        assertThat(out.key()).hasSize(DeadLetterSerializationSchema.PREFIX_BYTES);
        assertThat(out.value()).isEqualTo(java.util.Arrays.copyOf(value, DeadLetterSerializationSchema.PREFIX_BYTES));
        assertThat(header(out, DeadLetterSerializationSchema.ERROR_MESSAGE))
                .hasSize(DeadLetterSerializationSchema.MAX_MESSAGE_CHARS + 3);
        long size = out.key().length + out.value().length;
        for (Header h : out.headers()) {
            size += h.key().length() + h.value().length;
        }
        assertThat(size).isLessThan(8192);
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
