package io.spotmatch.job;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded KafkaSource whose readers commit their stopping offsets to the consumer group when
 * they reach the end of their input, so a finished backfill shows no lag. The connector commits
 * only on completed checkpoints, asynchronously, and a reader that has finished closes before that
 * commit is sent: its group kept the offsets of the last checkpoint before the end, or none
 * ({@code BackfillOffsetsITCase}). Everything else, the state included, is the KafkaSource's: the
 * same splits under the same uid.
 */
final class BoundedKafkaSource<T>
        implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BoundedKafkaSource.class);

    private final KafkaSource<T> source;
    /** The source's client properties (security included), for the committing consumer. */
    private final HashMap<String, String> consumer;

    BoundedKafkaSource(KafkaSource<T> source, Map<String, String> consumer) {
        this.source = source;
        this.consumer = new HashMap<>(consumer);
    }

    @Override
    public Boundedness getBoundedness() {
        return source.getBoundedness();
    }

    @Override
    public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context) throws Exception {
        return new Reader<>(source.createReader(context), consumer);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) throws Exception {
        return source.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state) throws Exception {
        return source.restoreEnumerator(context, state);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return source.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return source.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return source.getProducedType();
    }

    private static final class Reader<T> implements SourceReader<T, KafkaPartitionSplit> {
        private final SourceReader<T, KafkaPartitionSplit> reader;
        private final Map<String, String> consumer;
        /** Where each assigned partition stops, in assignment order. */
        private final Map<TopicPartition, Long> stopping = new LinkedHashMap<>();

        private boolean committed;

        Reader(SourceReader<T, KafkaPartitionSplit> reader, Map<String, String> consumer) {
            this.reader = reader;
            this.consumer = consumer;
        }

        @Override
        public void start() {
            reader.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            InputStatus status = reader.pollNext(output);
            if (status == InputStatus.END_OF_INPUT && !committed) {
                committed = true;
                commitStoppingOffsets();
            }
            return status;
        }

        /** Only for monitoring (restores use the checkpoint's offsets): a failure is logged, not thrown. */
        private void commitStoppingOffsets() {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            stopping.forEach((tp, offset) -> {
                if (offset >= 0) {
                    offsets.put(tp, new OffsetAndMetadata(offset));
                }
            });
            if (offsets.isEmpty()) {
                return;
            }
            Properties p = new Properties();
            p.putAll(consumer);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
                c.commitSync(offsets);
                LOG.info("Bounded input finished: committed {} to group {}", offsets, consumer.get("group.id"));
            } catch (RuntimeException e) {
                LOG.warn(
                        "Bounded input finished, but committing {} to group {} failed",
                        offsets,
                        consumer.get("group.id"),
                        e);
            }
        }

        @Override
        public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
            return reader.snapshotState(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return reader.isAvailable();
        }

        @Override
        public void addSplits(List<KafkaPartitionSplit> splits) {
            for (KafkaPartitionSplit s : splits) {
                s.getStoppingOffset().ifPresent(offset -> stopping.put(s.getTopicPartition(), offset));
            }
            reader.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            reader.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent event) {
            reader.handleSourceEvents(event);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            reader.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            reader.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void pauseOrResumeSplits(java.util.Collection<String> pause, java.util.Collection<String> resume) {
            reader.pauseOrResumeSplits(pause, resume);
        }

        @Override
        public void close() throws Exception {
            reader.close();
        }
    }
}
