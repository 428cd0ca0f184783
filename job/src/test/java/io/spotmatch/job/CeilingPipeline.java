package io.spotmatch.job;

import io.spotmatch.flink.Inbound;
import io.spotmatch.wire.CommandJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The benchmark's ceiling: what the machine does with the job's own Kafka source (its deserializer,
 * so every record's JSON goes through the production parser) and one Kafka record written per record
 * read, by the events sink's producer settings and delivery; no keyed state, no network hop between
 * operators, no database. SpotMatch cannot be faster than this on the same topic.
 */
public final class CeilingPipeline {

    private CeilingPipeline() {}

    /** Source and sink chained in one task per slot, at the job's parallelism, into the events topic. */
    public static void build(StreamExecutionEnvironment env, SpotMatchOptions o) {
        if (o.parallelism() > 0) {
            env.setParallelism(o.parallelism());
        }
        env.setMaxParallelism(o.maxParallelism());
        env.fromSource(SpotMatchJob.source(o, o.adminSignature()), WatermarkStrategy.noWatermarks(), "Orders (Kafka)")
                .uid("ceiling-source")
                .sinkTo(SpotMatchJob.kafkaSink(o, new Echo(o.eventsTopic()), o.eventsDelivery(), "ceiling"))
                .uid("ceiling-sink")
                .name("One record per order (Kafka)");
    }

    /** The parsed command written back as JSON (the production writer), keyed by symbol; a dead letter as read. */
    static final class Echo implements KafkaRecordSerializationSchema<Inbound> {
        private final String topic;

        Echo(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(Inbound in, KafkaSinkContext context, Long timestamp) {
            if (in.command() == null) {
                return new ProducerRecord<>(
                        topic,
                        null,
                        timestamp,
                        in.deadLetter().key(),
                        in.deadLetter().value());
            }
            String symbol = in.command().symbol();
            return new ProducerRecord<>(
                    topic,
                    null,
                    timestamp,
                    symbol.getBytes(StandardCharsets.UTF_8),
                    CommandJson.write(symbol, in.command().command()));
        }
    }
}
