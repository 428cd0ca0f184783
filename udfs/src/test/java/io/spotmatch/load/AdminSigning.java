package io.spotmatch.load;

import io.spotmatch.book.Command;
import io.spotmatch.book.CommandType;
import io.spotmatch.flink.AdminRelaySerializationSchema;
import io.spotmatch.wire.AdminSignature;
import io.spotmatch.wire.CommandJson;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Tests and local tools write SYMBOL commands straight to the orders topic, signed exactly as the
 * job's relay signs them (the same production code), with the test key, as if relayed from
 * successive offsets of partition 0 of an admin topic named {@link #TOPIC}. Positions only grow
 * within a JVM, so no book takes a test's listing for a repeat.
 */
public final class AdminSigning {

    /** For tests, local runs and docker-compose only. */
    public static final String KEY = "spotmatch-test-admin-key-never-use-in-production";

    public static final AdminSignature SIGNATURE = new AdminSignature(KEY.getBytes(StandardCharsets.UTF_8));
    public static final String TOPIC = "test-admin";

    private static final AtomicLong NEXT_OFFSET = new AtomicLong();

    private AdminSigning() {}

    /** An orders-topic record of a command keyed by its symbol; a SYMBOL command comes signed. */
    public static ProducerRecord<byte[], byte[]> record(String topic, String symbol, Command c, Long timestamp) {
        return record(
                topic,
                symbol.getBytes(StandardCharsets.UTF_8),
                CommandJson.write(symbol, c),
                c.type() == CommandType.SYMBOL,
                timestamp);
    }

    public static ProducerRecord<byte[], byte[]> record(
            String topic, byte[] key, byte[] value, boolean admin, Long timestamp) {
        if (!admin) {
            return new ProducerRecord<>(topic, null, timestamp, key, value);
        }
        return signed(topic, key, value, timestamp, TOPIC + "/0/" + NEXT_OFFSET.getAndIncrement());
    }

    /** A record signed as relayed from {@code source}: the same source twice is what a relay failover writes. */
    public static ProducerRecord<byte[], byte[]> signed(
            String topic, byte[] key, byte[] value, Long timestamp, String source) {
        return AdminRelaySerializationSchema.signed(
                topic, key, value, timestamp == null ? -1 : timestamp, source, SIGNATURE);
    }
}
