package io.spotmatch.flink;

import io.spotmatch.marketdata.MarketData;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Market data keyed by symbol, each stream to its topic ({@link MarketData.Kind#topic}), with the
 * command's time as the record timestamp: a symbol's messages stay in order on one partition, and
 * the snapshots topic can be compacted by symbol.
 */
public final class MarketDataSerializationSchema implements KafkaRecordSerializationSchema<MarketData> {

    private final String[] topics;

    public MarketDataSerializationSchema(String topicPrefix) {
        MarketData.Kind[] kinds = MarketData.Kind.values();
        topics = new String[kinds.length];
        for (MarketData.Kind k : kinds) {
            topics[k.ordinal()] = k.topic(topicPrefix);
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(MarketData m, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topics[m.kind().ordinal()], null, timestamp, m.symbol().getBytes(StandardCharsets.UTF_8), m.json());
    }
}
