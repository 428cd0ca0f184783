package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replaying a historical orders topic: the same topic into empty tables at different parallelisms
 * gives identical trades, orders and events; replaying on top of existing rows changes nothing;
 * timestamps bound where a replay starts and where it stops, and the job ends by itself.
 */
class BackfillITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static final int ORDERS = 20_000;
    static Pipeline history;

    @BeforeAll
    static void historicalTopic() throws Exception {
        history = new Pipeline(SERVERS, 3);
        history.produce(FailureRecoveryITCase.flow(history, ORDERS, 5, 31)); // one millisecond apart from T0
    }

    @Test
    void theSameTopicReplayedTwiceAtDifferentParallelismGivesTheSameResults() throws Exception {
        Pipeline one = new Pipeline(history);
        one.runToEnd(Map.of("job.parallelism", "1"));
        Pipeline three = new Pipeline(history);
        three.runToEnd(Map.of("job.parallelism", "3"));

        assertThat(one.query(Pipeline.TRADES)).hasSizeGreaterThan(500);
        assertThat(three.query(Pipeline.TRADES)).containsExactlyElementsOf(one.query(Pipeline.TRADES));
        assertThat(three.query(Pipeline.ORDERS)).containsExactlyElementsOf(one.query(Pipeline.ORDERS));
        assertThat(three.events()).isEqualTo(one.events());

        // Replay again into the first run's tables: idempotent sinks, nothing changes.
        List<String> trades = one.query(Pipeline.TRADES);
        List<String> orders = one.query(Pipeline.ORDERS);
        one.runToEnd(Map.of("job.parallelism", "2", "kafka.group-id", "replay-" + one.id));
        assertThat(one.query(Pipeline.TRADES)).containsExactlyElementsOf(trades);
        assertThat(one.query(Pipeline.ORDERS)).containsExactlyElementsOf(orders);
        assertThat(one.dedupedEvents()).isEqualTo(three.events());
    }

    @Test
    void timestampsBoundWhereAReplayStopsAndStarts() throws Exception {
        long stop = JobEndToEndITCase.T0 + ORDERS / 2;
        Pipeline firstHalf = new Pipeline(history);
        firstHalf.runToEnd(Map.of("kafka.bounded", "TIMESTAMP", "kafka.stopping-timestamp", Long.toString(stop)));
        Pipeline all = new Pipeline(history);
        all.runToEnd(Map.of());

        // The bounded run processed exactly the commands before the stopping timestamp.
        for (Map.Entry<String, List<String>> e : all.events().entrySet()) {
            List<String> before =
                    e.getValue().stream().filter(json -> timeOf(json) < stop).toList();
            assertThat(firstHalf.events().getOrDefault(e.getKey(), List.of()))
                    .as(e.getKey())
                    .isEqualTo(before);
        }
        assertThat(firstHalf.query(Pipeline.TRADES))
                .isNotEmpty()
                .isEqualTo(all.query(Pipeline.TRADES).stream()
                        .filter(t -> tradedAt(t) < stop)
                        .toList());

        // A replay that starts at a timestamp sees nothing older.
        Pipeline secondHalf = new Pipeline(history);
        // A deliberate partial backfill into empty tables: the history guard must be told so.
        secondHalf.runToEnd(Map.of(
                "kafka.starting-offsets",
                "TIMESTAMP",
                "kafka.starting-timestamp",
                Long.toString(stop),
                "job.allow-partial-history",
                "true"));
        long earliest = secondHalf.events().values().stream()
                .flatMap(List::stream)
                .mapToLong(BackfillITCase::timeOf)
                .min()
                .orElseThrow();
        assertThat(earliest).isGreaterThanOrEqualTo(stop);
    }

    private static long timeOf(String json) {
        int at = json.indexOf("\"time\":") + 7;
        return Long.parseLong(json.substring(at, json.indexOf(',', at)));
    }

    private static long tradedAt(String tradeRow) {
        return Long.parseLong(tradeRow.substring(tradeRow.lastIndexOf('|') + 1));
    }
}
