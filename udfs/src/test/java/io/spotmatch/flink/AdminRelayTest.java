package io.spotmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.load.AdminSigning;
import io.spotmatch.wire.AdminSignature;
import io.spotmatch.wire.CommandJson;
import io.spotmatch.wire.PoisonCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The relay's record, read back by the orders-topic reader; and what the admin-topic reader refuses. */
class AdminRelayTest {

    static final byte[] KEY = "BTC-USDT".getBytes(StandardCharsets.UTF_8);
    static final Command HALT = Command.symbol(SymbolUpdate.status(SymbolStatus.HALTED));

    static ConsumerRecord<byte[], byte[]> consumed(
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            ProducerRecord<byte[], byte[]> headersOf) {
        RecordHeaders headers = new RecordHeaders(headersOf == null ? new RecordHeaders() : headersOf.headers());
        return new ConsumerRecord<>(
                topic,
                partition,
                offset,
                1_000L,
                TimestampType.CREATE_TIME,
                -1,
                -1,
                key,
                value,
                headers,
                Optional.empty());
    }

    static Inbound readOrders(ConsumerRecord<byte[], byte[]> r) {
        List<Inbound> out = new ArrayList<>();
        new CommandDeserializationSchema(4096, AdminSigning.SIGNATURE).deserialize(r, new ListCollector<>(out));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void aRelayedCommandReachesItsBookWithItsAdminPosition() {
        byte[] value = CommandJson.write("BTC-USDT", HALT);
        List<AdminCommand> read = new ArrayList<>();
        new AdminDeserializationSchema(4096)
                .deserialize(consumed("orders-admin", 0, 17, KEY, value, null), new ListCollector<>(read));
        assertThat(read.get(0).source()).isEqualTo("orders-admin/0/17");

        ProducerRecord<byte[], byte[]> relayed = new AdminRelaySerializationSchema(
                        "orders", new DeadLetterSerializationSchema("orders-dlq", 1 << 18), AdminSigning.SIGNATURE)
                .serialize(read.get(0), null, null);
        assertThat(relayed.topic()).isEqualTo("orders");
        assertThat(relayed.partition())
                .as("the producer's default partitioner decides")
                .isNull();
        assertThat(relayed.key()).isEqualTo(KEY);
        assertThat(relayed.value()).isEqualTo(value);

        Inbound in = readOrders(consumed("orders", 2, 500, relayed.key(), relayed.value(), relayed));
        assertThat(in.command()).isEqualTo(new SymbolCommand("BTC-USDT", HALT, 1_000L, 2, 500L, 0, 17L));
    }

    @Test
    void unsignedForgedOrMisplacedAdminRecordsAreDeadLetters() {
        byte[] halt = CommandJson.write("BTC-USDT", HALT);
        assertThat(readOrders(consumed("orders", 0, 1, KEY, halt, null))
                        .deadLetter()
                        .code())
                .isEqualTo(PoisonCode.ADMIN_ON_ORDERS_TOPIC);
        ProducerRecord<byte[], byte[]> forged = new ProducerRecord<>("orders", null, null, KEY, halt);
        forged.headers()
                .add(AdminSignature.SOURCE_HEADER, "orders-admin/0/1".getBytes(StandardCharsets.UTF_8))
                .add(AdminSignature.MAC_HEADER, new byte[32]);
        assertThat(readOrders(consumed("orders", 0, 2, KEY, halt, forged))
                        .deadLetter()
                        .code())
                .isEqualTo(PoisonCode.INVALID_ADMIN_SIGNATURE);
        byte[] cancel = CommandJson.write("BTC-USDT", Command.cancel(1, 7));
        ProducerRecord<byte[], byte[]> signedCancel =
                AdminSigning.signed("orders", KEY, cancel, null, "orders-admin/0/3");
        assertThat(readOrders(consumed("orders", 0, 3, KEY, cancel, signedCancel))
                        .deadLetter()
                        .code())
                .isEqualTo(PoisonCode.ADMIN_HEADERS_ON_ORDER);
        assertThat(readOrders(consumed("orders", 0, 4, KEY, cancel, null))
                        .command()
                        .adminPartition())
                .isEqualTo(-1);

        List<AdminCommand> read = new ArrayList<>();
        new AdminDeserializationSchema(4096)
                .deserialize(consumed("orders-admin", 0, 5, KEY, cancel, null), new ListCollector<>(read));
        DeadLetter d = read.get(0).deadLetter();
        assertThat(d.code()).isEqualTo(PoisonCode.NOT_AN_ADMIN_COMMAND);
        assertThat(d.topic()).isEqualTo("orders-admin");
        assertThat(d.value()).isEqualTo(cancel);
        ProducerRecord<byte[], byte[]> dead = new AdminRelaySerializationSchema(
                        "orders", new DeadLetterSerializationSchema("orders-dlq", 1 << 18), AdminSigning.SIGNATURE)
                .serialize(read.get(0), null, null);
        assertThat(dead.topic()).isEqualTo("orders-dlq");
        assertThat(dead.headers()
                        .lastHeader(DeadLetterSerializationSchema.ERROR_CODE)
                        .value())
                .isEqualTo("NOT_AN_ADMIN_COMMAND".getBytes(StandardCharsets.UTF_8));
    }
}
