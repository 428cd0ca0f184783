package io.spotmatch.job;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/**
 * The starting offsets of the job with the reader's {@code auto.offset.reset} set to {@code none}.
 * The Kafka source sets {@code auto.offset.reset} from the initializer, and the consumer applies it
 * to every position that is out of range, including a restored split's: with {@code earliest} a
 * restore whose offsets were deleted by retention silently jumps to the earliest retained record
 * while the books carry on. With {@code none} the reader fails with the out-of-range offsets.
 * COMMITTED is resolved here (committed offset, else the earliest) because the consumer would
 * otherwise need {@code auto.offset.reset} for partitions without a committed offset.
 */
@SuppressWarnings("deprecation") // OffsetResetStrategy is deprecated in kafka-clients 4 but still the connector's API
final class NoResetOffsets implements OffsetsInitializer {

    private static final long serialVersionUID = 1L;

    /** Null: the group's committed offsets, the earliest where it has none. */
    private final OffsetsInitializer delegate;

    private NoResetOffsets(OffsetsInitializer delegate) {
        this.delegate = delegate;
    }

    static OffsetsInitializer of(OffsetsInitializer delegate) {
        return new NoResetOffsets(delegate);
    }

    static OffsetsInitializer committedElseEarliest() {
        return new NoResetOffsets(null);
    }

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(
            Collection<TopicPartition> partitions, PartitionOffsetsRetriever retriever) {
        if (delegate != null) {
            return delegate.getPartitionOffsets(partitions, retriever);
        }
        Map<TopicPartition, Long> offsets = new HashMap<>(retriever.committedOffsets(partitions));
        List<TopicPartition> uncommitted =
                partitions.stream().filter(tp -> !offsets.containsKey(tp)).toList();
        if (!uncommitted.isEmpty()) {
            offsets.putAll(retriever.beginningOffsets(uncommitted));
        }
        return offsets;
    }

    @Override
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        return OffsetResetStrategy.NONE;
    }
}
