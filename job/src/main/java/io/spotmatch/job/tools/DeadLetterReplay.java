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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes dead letters back to the orders topic: a range of the dead-letter topic, optionally
 * only one error code or command type, optionally re-keyed by the symbol inside the record (the
 * fix for KEY_SYMBOL_MISMATCH), printing what it does with each record. Values are published
 * unchanged; a {@code spotmatch.replayed-from} header says where each came from.
 *
 * <p>A dry run unless {@code --dry-run false}. Administrative commands (SYMBOL) are never
 * published to the orders topic. The whole replay is one Kafka transaction that also writes, for
 * every published dead letter, a marker to the compacted topic {@code <dead-letter-topic>-replayed}:
 * either all of a replay is published and marked or none of it, and a dead letter that has a
 * marker is not published again unless {@code --force true}. Any failed send aborts the
 * transaction and fails the replay naming the record.
 *
 * <pre>
 * java -cp "spotmatch-job.jar:/opt/flink/lib/*" io.spotmatch.job.tools.DeadLetterReplay \
 *     --bootstrap-servers kafka:9092 \
 *     --error-code KEY_SYMBOL_MISMATCH --rekey true --dry-run false
 * </pre>
 */
public final class DeadLetterReplay {

    public static final String REPLAYED_FROM = "spotmatch.replayed-from";

    /**
     * @param partition one partition of the dead-letter topic, or -1 for all
     * @param toOffset exclusive; -1 for the end of the topic when the replay starts
     * @param errorCode only dead letters with this code, or empty for all
     */
    public record Settings(
            String bootstrapServers,
            String deadLetterTopic,
            String ordersTopic,
            int partition,
            long fromOffset,
            long toOffset,
            String errorCode,
            String commandType,
            boolean rekey,
            boolean dryRun,
            boolean force,
            Map<String, String> kafkaProperties) {}

    /** What a replay did (or, in a dry run, would do). */
    public record Result(int replayed, int skipped) {}

    /** A replay that published nothing: its transaction was aborted, or it was refused before it began. */
    public static final class ReplayFailed extends RuntimeException {
        ReplayFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The topic of the markers of replayed dead letters: key {@code topic/partition/offset} of the dead letter. */
    public static String markerTopic(String deadLetterTopic) {
        return deadLetterTopic + "-replayed";
    }

    private static final JsonFactory JSON = new JsonFactory();

    static final ConfigOption<String> BOOTSTRAP_SERVERS = key("bootstrap-servers")
            .stringType()
            .defaultValue("localhost:9092")
            .withDescription("Kafka bootstrap servers.");
    static final ConfigOption<String> DEAD_LETTER_TOPIC = key("dead-letter-topic")
            .stringType()
            .defaultValue("orders-dlq")
            .withDescription("Topic to read the dead letters from.");
    static final ConfigOption<String> ORDERS_TOPIC =
            key("orders-topic").stringType().defaultValue("orders").withDescription("Topic to publish them to.");
    static final ConfigOption<Integer> PARTITION = key("partition")
            .intType()
            .defaultValue(-1)
            .withDescription("One partition of the dead-letter topic; -1 for all.");
    static final ConfigOption<Long> FROM_OFFSET =
            key("from-offset").longType().defaultValue(0L).withDescription("First offset to replay.");
    static final ConfigOption<Long> TO_OFFSET = key("to-offset")
            .longType()
            .defaultValue(-1L)
            .withDescription("Offset to stop before; -1 for the end of the topic when the replay starts.");
    static final ConfigOption<String> ERROR_CODE =
            key("error-code").stringType().noDefaultValue().withDescription("Only dead letters with this code.");
    static final ConfigOption<Boolean> REKEY = key("rekey")
            .booleanType()
            .defaultValue(false)
            .withDescription("Key each record by the symbol inside it (the fix for KEY_SYMBOL_MISMATCH).");
    static final ConfigOption<String> COMMAND_TYPE = key("command-type")
            .stringType()
            .noDefaultValue()
            .withDescription("Only dead letters whose \"type\" is this: NEW, CANCEL, AMEND or CANCEL_ALL.");
    static final ConfigOption<Boolean> DRY_RUN = key("dry-run")
            .booleanType()
            .defaultValue(true)
            .withDescription("Only print what would be replayed; --dry-run false publishes.");
    static final ConfigOption<Boolean> FORCE = key("force")
            .booleanType()
            .defaultValue(false)
            .withDescription("Publish dead letters again that an earlier replay already published.");
    static final ConfigOption<String> KAFKA_PROPERTIES = key("kafka.properties.<name>")
            .stringType()
            .noDefaultValue()
            .withDescription("Any Kafka client property for its consumer and producer, as the job's own option:"
                    + " e.g. --kafka.properties.security.protocol SASL_SSL.");
    static final List<ConfigOption<?>> OPTIONS = List.of(
            BOOTSTRAP_SERVERS,
            DEAD_LETTER_TOPIC,
            ORDERS_TOPIC,
            PARTITION,
            FROM_OFFSET,
            TO_OFFSET,
            ERROR_CODE,
            COMMAND_TYPE,
            REKEY,
            DRY_RUN,
            FORCE,
            KAFKA_PROPERTIES);
    static final List<String> REPLAYABLE_TYPES = List.of("NEW", "CANCEL", "AMEND", "CANCEL_ALL");

    public static void main(String[] args) {
        if (CommandLine.wantsHelp(args)) {
            System.out.println(CommandLine.help("DeadLetterReplay options", OPTIONS));
            return;
        }
        Settings settings;
        try {
            settings = settings(args);
        } catch (CommandLine.InvalidOptionException e) {
            System.err.println("Invalid arguments: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            replay(settings, System.out);
        } catch (ReplayFailed e) {
            System.out.flush();
            System.err.println("Replay failed, nothing published: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            System.exit(1);
        }
        System.exit(0);
    }

    /** The settings of a command line; anything unknown or malformed fails naming the option. */
    public static Settings settings(String[] args) {
        CommandLine a = CommandLine.parse(args, OPTIONS);
        String errorCode = a.get(ERROR_CODE);
        String commandType = a.get(COMMAND_TYPE);
        CommandLine.require(
                commandType == null || REPLAYABLE_TYPES.contains(commandType),
                COMMAND_TYPE,
                "must be one of " + String.join(", ", REPLAYABLE_TYPES) + " (SYMBOL commands are never replayed)");
        return new Settings(
                a.get(BOOTSTRAP_SERVERS),
                a.get(DEAD_LETTER_TOPIC),
                a.get(ORDERS_TOPIC),
                a.get(PARTITION),
                a.get(FROM_OFFSET),
                a.get(TO_OFFSET),
                errorCode == null ? "" : errorCode,
                commandType == null ? "" : commandType,
                a.get(REKEY),
                a.get(DRY_RUN),
                a.get(FORCE),
                a.withPrefix(KAFKA_PROPERTIES));
    }

    /**
     * Ordered, transactional writes of the replayed records and their markers. One transactional
     * id per dead-letter topic: a second replay of the same topic running at the same time fences
     * the first, which then fails and publishes nothing.
     */
    static Properties producerProperties(Settings s) {
        Properties p = new Properties();
        p.putAll(s.kafkaProperties());
        String bootstrapServers = s.bootstrapServers();
        String deadLetterTopic = s.deadLetterTopic();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "spotmatch-dead-letter-replay-" + deadLetterTopic);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "600000");
        return p;
    }

    private static Properties consumerProperties(Settings s) {
        Properties c = new Properties();
        c.putAll(s.kafkaProperties());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return c;
    }

    /** Creates the compacted marker topic if it does not exist yet. */
    private static void createMarkerTopic(Settings s) {
        Map<String, Object> adminProperties = new HashMap<>(s.kafkaProperties());
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        try (Admin admin = Admin.create(adminProperties)) {
            admin.createTopics(List.of(new NewTopic(markerTopic(s.deadLetterTopic()), Optional.of(1), Optional.empty())
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all()
                    .get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new ReplayFailed("cannot create " + markerTopic(s.deadLetterTopic()), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplayFailed("interrupted", e);
        }
    }

    /** Dead letter ({@code topic/partition/offset}) to where an earlier replay published it. */
    private static Map<String, String> replayedMarkers(Settings s) {
        Map<String, String> markers = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(s))) {
            if (consumer.listTopics().get(markerTopic(s.deadLetterTopic())) == null) {
                return markers;
            }
            List<TopicPartition> parts = consumer.partitionsFor(markerTopic(s.deadLetterTopic())).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    markers.put(
                            new String(r.key(), StandardCharsets.UTF_8), new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return markers;
    }

    /**
     * Replays, printing a line per dead letter and a summary.
     *
     * @throws ReplayFailed if anything was refused or a send failed: then nothing is published
     */
    public static Result replay(Settings s, PrintStream out) {
        if (!s.dryRun()) {
            createMarkerTopic(s);
        }
        Map<String, String> markers = replayedMarkers(s);
        int replayed = 0;
        int skipped = 0;
        List<String> refused = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(s));
                KafkaProducer<byte[], byte[]> producer =
                        s.dryRun() ? null : new KafkaProducer<>(producerProperties(s))) {
            if (producer != null) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(s.deadLetterTopic()).forEach(p -> {
                if (s.partition() < 0 || p.partition() == s.partition()) {
                    parts.add(new TopicPartition(s.deadLetterTopic(), p.partition()));
                }
            });
            parts.sort((x, y) -> x.partition() - y.partition());
            consumer.assign(parts);
            Map<TopicPartition, Long> end = new LinkedHashMap<>();
            consumer.endOffsets(parts)
                    .forEach((tp, e) -> end.put(tp, s.toOffset() < 0 ? e : Math.min(e, s.toOffset())));
            for (TopicPartition tp : parts) {
                consumer.seek(
                        tp,
                        Math.max(
                                s.fromOffset(),
                                consumer.beginningOffsets(List.of(tp)).get(tp)));
            }
            out.printf(
                    "Replaying %s %s to %s%s%n",
                    s.deadLetterTopic(), end, s.ordersTopic(), s.dryRun() ? " (dry run)" : "");
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
                    String type = fieldOf(r.value(), "type");
                    if ("SYMBOL".equals(type)) {
                        skipped++;
                        out.println(where + " -> skipped (SYMBOL is an administrative command, never replayed to "
                                + s.ordersTopic() + ")");
                        continue;
                    }
                    if (!s.commandType().isEmpty() && !s.commandType().equals(type)) {
                        skipped++;
                        out.println(where + " -> skipped (not " + s.commandType() + ")");
                        continue;
                    }
                    String source = r.topic() + "/" + r.partition() + "/" + r.offset();
                    String earlier = markers.get(source);
                    if (earlier != null && !s.force()) {
                        refused.add(where);
                        out.println(where + " -> refused (already replayed to " + earlier
                                + "; --force true replays it again)");
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
                    String at = "";
                    if (producer != null) {
                        List<Header> headers =
                                List.of(new RecordHeader(REPLAYED_FROM, source.getBytes(StandardCharsets.UTF_8)));
                        RecordMetadata m = sent(
                                producer, new ProducerRecord<>(s.ordersTopic(), null, key, r.value(), headers), where);
                        at = m.topic() + "/" + m.partition() + "/" + m.offset();
                        sent(
                                producer,
                                new ProducerRecord<>(
                                        markerTopic(s.deadLetterTopic()),
                                        source.getBytes(StandardCharsets.UTF_8),
                                        at.getBytes(StandardCharsets.UTF_8)),
                                where);
                    }
                    replayed++;
                    out.println(where + " -> " + (s.dryRun() ? "would publish" : "published") + " to " + s.ordersTopic()
                            + note + (earlier != null ? " (again: --force)" : ""));
                }
            }
            if (!refused.isEmpty() && !s.dryRun()) {
                producer.abortTransaction();
                throw new ReplayFailed(
                        refused.size() + " dead letters were already replayed (first: " + refused.get(0)
                                + "); pass --force true to replay them again",
                        null);
            }
            if (producer != null) {
                producer.commitTransaction();
            }
        }
        out.printf(
                "%s %d, skipped %d%s%n",
                s.dryRun() ? "Would replay" : "Replayed",
                replayed,
                skipped,
                refused.isEmpty() ? "" : ", already replayed " + refused.size() + " (refused without --force true)");
        return new Result(replayed, skipped);
    }

    /** Sends one record and waits for the broker's answer: a replay must know that every record arrived. */
    private static RecordMetadata sent(
            KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record, String where) {
        try {
            return producer.send(record).get();
        } catch (ExecutionException e) {
            abort(producer);
            throw new ReplayFailed("sending " + where + " to " + record.topic() + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(producer);
            throw new ReplayFailed("interrupted while sending " + where, e);
        }
    }

    private static void abort(KafkaProducer<byte[], byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            // Fenced or failed: the broker aborts the transaction at its timeout; nothing of it is ever read committed.
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
    }

    static String symbolOf(byte[] value) {
        return fieldOf(value, "symbol");
    }

    /** A top-level string field of a JSON object, or null. */
    static String fieldOf(byte[] value, String field) {
        if (value == null) {
            return null;
        }
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                JsonToken t = p.nextToken();
                if (name.equals(field) && t == JsonToken.VALUE_STRING) {
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
