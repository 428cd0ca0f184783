package io.spotmatch.job.tools;

import static org.apache.flink.configuration.ConfigOptions.key;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.spotmatch.flink.DeadLetterSerializationSchema;
import io.spotmatch.job.CommandLine;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.flink.configuration.ConfigOption;

/**
 * Publishes dead letters back to the orders topic: a range of the dead-letter topic, optionally
 * only one error code, optionally re-keyed by the symbol inside the record (the fix for
 * KEY_SYMBOL_MISMATCH), printing what it does with each record. Values are published unchanged;
 * a {@code spotmatch.replayed-from} header says where each came from.
 *
 * <pre>
 * java -cp spotmatch-job.jar io.spotmatch.job.tools.DeadLetterReplay --bootstrap-servers kafka:9092 \
 *     --error-code KEY_SYMBOL_MISMATCH --rekey true --dry-run true
 * </pre>
 */
public final class DeadLetterReplay {

    public static final String REPLAYED_FROM = "spotmatch.replayed-from";

    /**
     * @param partition one partition of the dead-letter topic, or -1 for all
     * @param toOffset exclusive; -1 for the end of the topic when the replay starts
     * @param errorCode only dead letters with this code, or empty for all
     */
    public record Settings(String bootstrapServers, String deadLetterTopic, String ordersTopic, int partition,
            long fromOffset, long toOffset, String errorCode, boolean rekey, boolean dryRun) {
    }

    /** What a replay did. */
    public record Result(int replayed, int skipped) {
    }

    private static final JsonFactory JSON = new JsonFactory();

    static final ConfigOption<String> BOOTSTRAP_SERVERS = key("bootstrap-servers").stringType()
            .defaultValue("localhost:9092").withDescription("Kafka bootstrap servers.");
    static final ConfigOption<String> DEAD_LETTER_TOPIC = key("dead-letter-topic").stringType()
            .defaultValue("orders-dlq").withDescription("Topic to read the dead letters from.");
    static final ConfigOption<String> ORDERS_TOPIC = key("orders-topic").stringType().defaultValue("orders")
            .withDescription("Topic to publish them to.");
    static final ConfigOption<Integer> PARTITION = key("partition").intType().defaultValue(-1)
            .withDescription("One partition of the dead-letter topic; -1 for all.");
    static final ConfigOption<Long> FROM_OFFSET = key("from-offset").longType().defaultValue(0L)
            .withDescription("First offset to replay.");
    static final ConfigOption<Long> TO_OFFSET = key("to-offset").longType().defaultValue(-1L)
            .withDescription("Offset to stop before; -1 for the end of the topic when the replay starts.");
    static final ConfigOption<String> ERROR_CODE = key("error-code").stringType().noDefaultValue()
            .withDescription("Only dead letters with this code.");
    static final ConfigOption<Boolean> REKEY = key("rekey").booleanType().defaultValue(false)
            .withDescription("Key each record by the symbol inside it (the fix for KEY_SYMBOL_MISMATCH).");
    static final ConfigOption<Boolean> DRY_RUN = key("dry-run").booleanType().defaultValue(false)
            .withDescription("Only print what would be replayed.");
    static final ConfigOption<String> KAFKA_PROPERTIES = key("kafka.properties.<name>").stringType().noDefaultValue()
            .withDescription("Any Kafka client property for its consumer and producer, as the job's own option:"
                    + " e.g. --kafka.properties.security.protocol SASL_SSL.");
    static final List<ConfigOption<?>> OPTIONS = List.of(BOOTSTRAP_SERVERS, DEAD_LETTER_TOPIC, ORDERS_TOPIC,
            PARTITION, FROM_OFFSET, TO_OFFSET, ERROR_CODE, REKEY, DRY_RUN, KAFKA_PROPERTIES);

    public static void main(String[] args) {
        if (CommandLine.wantsHelp(args)) {
            System.out.println(CommandLine.help("DeadLetterReplay options", OPTIONS));
            return;
        }
        CommandLine a = CommandLine.parse(args, OPTIONS);
        String errorCode = a.get(ERROR_CODE);
        replay(new Settings(a.get(BOOTSTRAP_SERVERS), a.get(DEAD_LETTER_TOPIC), a.get(ORDERS_TOPIC), a.get(PARTITION),
                a.get(FROM_OFFSET), a.get(TO_OFFSET), errorCode == null ? "" : errorCode, a.get(REKEY),
                a.get(DRY_RUN)), a.withPrefix(KAFKA_PROPERTIES), System.out);
        System.exit(0);
    }

    /** Idempotent, ordered writes of the replayed records. */
    static Properties producerProperties(String bootstrapServers, Map<String, String> kafkaProperties) {
        Properties p = new Properties();
        p.putAll(kafkaProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    public static Result replay(Settings s, PrintStream out) {
        return replay(s, Map.of(), out);
    }

    /** With {@code kafkaProperties} (security, tuning) under the tool's own settings. */
    public static Result replay(Settings s, Map<String, String> kafkaProperties, PrintStream out) {
        Properties c = new Properties();
        c.putAll(kafkaProperties);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        int replayed = 0;
        int skipped = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
                KafkaProducer<byte[], byte[]> producer = s.dryRun() ? null
                        : new KafkaProducer<>(producerProperties(s.bootstrapServers(), kafkaProperties))) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(s.deadLetterTopic()).forEach(p -> {
                if (s.partition() < 0 || p.partition() == s.partition()) {
                    parts.add(new TopicPartition(s.deadLetterTopic(), p.partition()));
                }
            });
            parts.sort((x, y) -> x.partition() - y.partition());
            consumer.assign(parts);
            Map<TopicPartition, Long> end = new LinkedHashMap<>();
            consumer.endOffsets(parts).forEach((tp, e) -> end.put(tp, s.toOffset() < 0 ? e : Math.min(e, s.toOffset())));
            for (TopicPartition tp : parts) {
                consumer.seek(tp, Math.max(s.fromOffset(), consumer.beginningOffsets(List.of(tp)).get(tp)));
            }
            out.printf("Replaying %s %s to %s%s%n", s.deadLetterTopic(), end, s.ordersTopic(), s.dryRun() ? " (dry run)" : "");
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue;
                    }
                    String code = header(r, DeadLetterSerializationSchema.ERROR_CODE);
                    String where = r.topic() + "[" + r.partition() + "]@" + r.offset() + " " + code;
                    if (!s.errorCode().isEmpty() && !s.errorCode().equals(code)) {
                        skipped++;
                        out.println(where + " -> skipped (not " + s.errorCode() + ")");
                        continue;
                    }
                    if (DeadLetterSerializationSchema.isTruncated(r.headers())) {
                        skipped++;
                        out.println(where + " -> skipped (truncated: the whole record is at "
                                + header(r, DeadLetterSerializationSchema.SOURCE_TOPIC) + "["
                                + header(r, DeadLetterSerializationSchema.SOURCE_PARTITION) + "]@"
                                + header(r, DeadLetterSerializationSchema.SOURCE_OFFSET) + ")");
                        continue;
                    }
                    byte[] key = r.key();
                    String note = "";
                    if (s.rekey()) {
                        String symbol = symbolOf(r.value());
                        if (symbol == null) {
                            skipped++;
                            out.println(where + " -> skipped (no symbol to key it by)");
                            continue;
                        }
                        key = symbol.getBytes(StandardCharsets.UTF_8);
                        note = " keyed " + symbol;
                    }
                    if (producer != null) {
                        List<Header> headers = List.of(new RecordHeader(REPLAYED_FROM,
                                (r.topic() + "/" + r.partition() + "/" + r.offset()).getBytes(StandardCharsets.UTF_8)));
                        producer.send(new ProducerRecord<>(s.ordersTopic(), null, key, r.value(), headers));
                    }
                    replayed++;
                    out.println(where + " -> " + (s.dryRun() ? "would publish" : "published") + " to " + s.ordersTopic() + note);
                }
            }
            if (producer != null) {
                producer.flush();
            }
        }
        out.printf("%s %d, skipped %d%n", s.dryRun() ? "Would replay" : "Replayed", replayed, skipped);
        return new Result(replayed, skipped);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The top-level "symbol" string of a JSON object, or null. */
    static String symbolOf(byte[] value) {
        if (value == null) {
            return null;
        }
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                JsonToken t = p.nextToken();
                if (name.equals("symbol") && t == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                p.skipChildren();
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return null;
    }
}
