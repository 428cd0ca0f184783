package io.spotmatch.flink;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Order events keyed by symbol, so each symbol's events stay in one partition, in sequence order. */
public final class OrderEventSerializationSchema implements KafkaRecordSerializationSchema<OrderEvent> {

    private final String topic;

    public OrderEventSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(OrderEvent event, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic, null, timestamp, event.symbol().getBytes(StandardCharsets.UTF_8), event.json());
    }
}
