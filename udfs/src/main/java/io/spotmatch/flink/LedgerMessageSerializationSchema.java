package io.spotmatch.flink;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Balance updates and funds results keyed by user id, so each user's messages stay in order on one partition. */
public final class LedgerMessageSerializationSchema implements KafkaRecordSerializationSchema<LedgerMessage> {

    private final String topic;

    public LedgerMessageSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(LedgerMessage m, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, m.key(), m.value());
    }
}
