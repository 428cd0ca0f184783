package io.spotmatch.flink;

import io.spotmatch.wire.AdminSignature;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Appends an admin command to the orders topic, signed: same key and value bytes, no explicit
 * partition, so the producer's default partitioner (murmur2 of the key) puts it on the symbol's
 * partition exactly as it does the gateway's orders. Its position there is its place among the
 * symbol's orders, for the live job and for every replay. Dead letters of the admin topic go to
 * the dead-letter topic through the same sink.
 */
public final class AdminRelaySerializationSchema implements KafkaRecordSerializationSchema<AdminCommand> {

    private final String ordersTopic;
    private final AdminSignature signature;
    private final DeadLetterSerializationSchema deadLetters;

    public AdminRelaySerializationSchema(
            String ordersTopic, DeadLetterSerializationSchema deadLetters, AdminSignature signature) {
        this.ordersTopic = ordersTopic;
        this.signature = signature;
        this.deadLetters = deadLetters;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(AdminCommand c, KafkaSinkContext context, Long timestamp) {
        if (c.deadLetter() != null) {
            return deadLetters.serialize(c.deadLetter(), context, timestamp);
        }
        return signed(ordersTopic, c.key(), c.value(), c.timestamp(), c.source(), signature);
    }

    /** The orders-topic record of a relayed admin command; test tools sign with this too. */
    public static ProducerRecord<byte[], byte[]> signed(
            String topic, byte[] key, byte[] value, long timestamp, String source, AdminSignature signature) {
        return new ProducerRecord<>(
                topic,
                null,
                timestamp >= 0 ? timestamp : null,
                key,
                value,
                List.of(
                        new RecordHeader(AdminSignature.SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader(AdminSignature.MAC_HEADER, signature.mac(key, value, source))));
    }
}
