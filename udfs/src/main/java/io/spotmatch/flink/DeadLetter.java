package io.spotmatch.flink;

import io.spotmatch.wire.PoisonCode;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record of the orders topic that is not a command, on its way to the dead-letter topic with
 * its original key and value bytes, where it came from, and why.
 */
public record DeadLetter(
        byte[] key,
        byte[] value,
        String topic,
        int partition,
        long offset,
        long timestamp,
        PoisonCode code,
        String message) {

    public static DeadLetter of(ConsumerRecord<byte[], byte[]> r, PoisonCode code, String message) {
        return new DeadLetter(r.key(), r.value(), r.topic(), r.partition(), r.offset(), r.timestamp(), code, message);
    }
}
