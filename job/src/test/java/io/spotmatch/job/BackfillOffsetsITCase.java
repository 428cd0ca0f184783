package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A finished backfill leaves its consumer group at the end of what it read: no lag shown forever
 * for a job that is done.
 */
class BackfillOffsetsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    @Test
    void aFinishedBackfillHasCommittedTheEndOfEveryPartition() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 3);
        p.produce(FailureRecoveryITCase.flow(p, 2_000, 5, 47));
        p.runToEnd(Map.of("kafka.group-id", "backfill-" + p.id));

        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SERVERS.kafka().bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int partition = 0; partition < 3; partition++) {
                latest.put(new TopicPartition(p.ordersTopic, partition), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> end = admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
            Map<TopicPartition, Long> committed = admin
                    .listConsumerGroupOffsets("backfill-" + p.id)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .entrySet()
                    .stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey,
                            e -> e.getValue() == null ? -1L : ((OffsetAndMetadata) e.getValue()).offset()));
            // A partition that no symbol hashed to has nothing to commit.
            end.values().removeIf(offset -> offset == 0);
            assertThat(end).hasSizeGreaterThanOrEqualTo(2);
            assertThat(committed).containsAllEntriesOf(end);
        }
    }
}
