package io.spotmatch.flink;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A dead letter keeps the original key and value bytes as its own key and value, and the original
 * timestamp; where it came from and why it failed travel in headers. Replaying it is publishing
 * the same key and value again.
 */
public final class DeadLetterSerializationSchema implements KafkaRecordSerializationSchema<DeadLetter> {

    public static final String ERROR_CODE = "spotmatch.error.code";
    public static final String ERROR_MESSAGE = "spotmatch.error.message";
    public static final String SOURCE_TOPIC = "spotmatch.source.topic";
    public static final String SOURCE_PARTITION = "spotmatch.source.partition";
    public static final String SOURCE_OFFSET = "spotmatch.source.offset";
    public static final String SOURCE_TIMESTAMP = "spotmatch.source.timestamp";

    private final String topic;

    public DeadLetterSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        List<Header> headers = List.of(
                header(ERROR_CODE, d.code().name()),
                header(ERROR_MESSAGE, d.message()),
                header(SOURCE_TOPIC, d.topic()),
                header(SOURCE_PARTITION, Integer.toString(d.partition())),
                header(SOURCE_OFFSET, Long.toString(d.offset())),
                header(SOURCE_TIMESTAMP, Long.toString(d.timestamp())));
        return new ProducerRecord<>(topic, null, d.timestamp() >= 0 ? d.timestamp() : null, d.key(), d.value(), headers);
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
