package io.spotmatch.flink;

import io.spotmatch.wire.PoisonCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A dead letter keeps the original key and value bytes as its own key and value, and the original
 * timestamp; where it came from and why it failed travel in headers. Replaying it is publishing
 * the same key and value again.
 *
 * <p>A dead letter must always fit the producer's request limit: one that does not fails the sink,
 * and the restart brings the same record back forever. So a dead letter whose key, value and
 * headers together exceed {@code maxBytes} keeps only a {@value #PREFIX_BYTES}-byte prefix of its
 * key and value, marked {@value #TRUNCATED}{@code =true} with the original sizes; the source
 * topic, partition and offset still say where the whole record is.
 */
public final class DeadLetterSerializationSchema implements KafkaRecordSerializationSchema<DeadLetter> {

    public static final String ERROR_CODE = "spotmatch.error.code";
    public static final String ERROR_MESSAGE = "spotmatch.error.message";
    public static final String SOURCE_TOPIC = "spotmatch.source.topic";
    public static final String SOURCE_PARTITION = "spotmatch.source.partition";
    public static final String SOURCE_OFFSET = "spotmatch.source.offset";
    public static final String SOURCE_TIMESTAMP = "spotmatch.source.timestamp";
    public static final String TRUNCATED = "spotmatch.truncated";
    public static final String ORIGINAL_KEY_SIZE = "spotmatch.original.key-size";
    public static final String ORIGINAL_VALUE_SIZE = "spotmatch.original.value-size";

    /** Bytes of key and of value a truncated dead letter keeps. */
    public static final int PREFIX_BYTES = 1024;
    /** Characters of the error message kept (messages may quote the record). */
    public static final int MAX_MESSAGE_CHARS = 1024;
    /** The smallest limit that still holds a truncated dead letter with room to spare. */
    public static final int MIN_MAX_BYTES = 8 * 1024;
    /** Per-record framing Kafka adds around key, value and each header (varints, attributes). */
    private static final int RECORD_OVERHEAD = 64;

    private static final int HEADER_OVERHEAD = 10;

    private final String topic;
    private final int maxBytes;

    public DeadLetterSerializationSchema(String topic, int maxBytes) {
        if (maxBytes < MIN_MAX_BYTES) {
            throw new IllegalArgumentException("maxBytes must be at least " + MIN_MAX_BYTES);
        }
        this.topic = topic;
        this.maxBytes = maxBytes;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        List<Header> headers = new ArrayList<>(9);
        headers.add(header(ERROR_CODE, d.code().name()));
        headers.add(header(ERROR_MESSAGE, bounded(d.message())));
        headers.add(header(SOURCE_TOPIC, d.topic()));
        headers.add(header(SOURCE_PARTITION, Integer.toString(d.partition())));
        headers.add(header(SOURCE_OFFSET, Long.toString(d.offset())));
        headers.add(header(SOURCE_TIMESTAMP, Long.toString(d.timestamp())));
        byte[] key = d.key();
        byte[] value = d.value();
        if (size(key) + size(value) + size(headers) > maxBytes) {
            headers.add(header(TRUNCATED, "true"));
            headers.add(header(ORIGINAL_KEY_SIZE, Integer.toString(key == null ? -1 : key.length)));
            headers.add(header(ORIGINAL_VALUE_SIZE, Integer.toString(value == null ? -1 : value.length)));
            key = prefix(key);
            value = prefix(value);
        }
        // An invalid timestamp is why the record is here: the dead-letter topic may refuse it too.
        Long ts = d.timestamp() >= 0 && d.code() != PoisonCode.INVALID_TIMESTAMP ? d.timestamp() : null;
        return new ProducerRecord<>(topic, null, ts, key, value, headers);
    }

    /** Whether a dead letter read back from the topic holds only prefixes of the original record. */
    public static boolean isTruncated(org.apache.kafka.common.header.Headers headers) {
        Header h = headers.lastHeader(TRUNCATED);
        return h != null && "true".equals(new String(h.value(), StandardCharsets.UTF_8));
    }

    private static String bounded(String message) {
        String m = String.valueOf(message);
        return m.length() <= MAX_MESSAGE_CHARS ? m : m.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    private static byte[] prefix(byte[] bytes) {
        return bytes == null || bytes.length <= PREFIX_BYTES ? bytes : Arrays.copyOf(bytes, PREFIX_BYTES);
    }

    private static long size(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static long size(List<Header> headers) {
        long n = RECORD_OVERHEAD;
        for (Header h : headers) {
            n += HEADER_OVERHEAD + h.key().length() + h.value().length;
        }
        return n;
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
