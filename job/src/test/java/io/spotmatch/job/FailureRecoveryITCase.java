package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.flink.SymbolCommand;
import io.spotmatch.load.OrderStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 100,000 orders over 8 symbols, with the job failing four times on the way (three exceptions
 * inside the job at different points, one failed checkpoint): the trades, the orders, the final
 * books and the events (repeats dropped by symbol and seq) are exactly those of a run without
 * failures.
 */
class FailureRecoveryITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();


    @RegisterExtension

    static final RealServers SERVERS = new RealServers();

    static final int ORDERS = 100_000;

    /** Throws inside the job at given record counts, and fails one checkpoint; counts survive restarts. */
    static final class FailureInjector implements MapFunction<SymbolCommand, SymbolCommand>, CheckpointedFunction {
        static final AtomicLong SEEN = new AtomicLong();
        static final Set<Long> FAIL_AT = ConcurrentHashMap.newKeySet();
        static final AtomicLong FAIL_CHECKPOINT = new AtomicLong(-1);
        static final AtomicInteger FAILURES = new AtomicInteger();

        @Override
        public SymbolCommand map(SymbolCommand c) {
            long n = SEEN.incrementAndGet();
            if (FAIL_AT.remove(n)) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure at record " + n);
            }
            return c;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            if (FAIL_CHECKPOINT.compareAndSet(context.getCheckpointId(), -1)) {
                FAILURES.incrementAndGet();
                throw new Exception("injected failure of checkpoint " + context.getCheckpointId());
            }
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
        }
    }

    static List<ProducerRecord<byte[], byte[]>> flow(Pipeline p, int orders, int symbols, long seed) {
        OrderStream stream = new OrderStream(symbols, seed, 0);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < orders + symbols; i++) {
            OrderStream.Record r = stream.next();
            records.add(r.toProducerRecord(p.ordersTopic, JobEndToEndITCase.T0 + i));
        }
        return records;
    }

    @Test
    void failuresLoseAndDuplicateNothing() throws Exception {
        Pipeline reference = new Pipeline(SERVERS, 4);
        reference.produce(flow(reference, ORDERS, 8, 7));
        Pipeline failing = new Pipeline(reference);

        Map<String, String> unbounded = Map.of("kafka.bounded", "NONE");
        JobClient clean = reference.start(unbounded, Map.of(), s -> s);
        reference.awaitCaughtUp(clean, Duration.ofMinutes(3));
        String cleanBooks = String.join("", Pipeline.books(reference.stopWithSavepoint(clean)));

        FailureInjector.FAIL_AT.addAll(List.of(15_000L, 48_000L, 83_000L));
        FailureInjector.FAIL_CHECKPOINT.set(4);
        JobClient job = failing.start(unbounded, Map.of(
                        "restart-strategy.type", "fixed-delay",
                        "restart-strategy.fixed-delay.attempts", "20",
                        "restart-strategy.fixed-delay.delay", "200 ms"),
                s -> s.map(new FailureInjector(), SymbolCommand.TYPE).uid("failure-injector").name("Failure injector"));
        failing.awaitCaughtUp(job, Duration.ofMinutes(3));
        String failingBooks = String.join("", Pipeline.books(failing.stopWithSavepoint(job)));

        assertThat(FailureInjector.FAILURES.get()).as("failures injected").isEqualTo(4);
        assertThat(FailureInjector.SEEN.get()).as("records seen, replays included").isGreaterThan(ORDERS + 8);

        assertThat(failing.query(Pipeline.TRADES)).containsExactlyElementsOf(reference.query(Pipeline.TRADES));
        assertThat(reference.query("SELECT count(*) FROM trades").get(0)).isNotEqualTo("0");
        assertThat(failing.query(Pipeline.ORDERS)).containsExactlyElementsOf(reference.query(Pipeline.ORDERS));
        assertThat(failingBooks).isEqualTo(cleanBooks).contains("\"openOrders\":");

        Map<String, List<String>> expected = reference.events();
        Map<String, List<String>> raw = failing.events();
        assertThat(failing.dedupedEvents()).isEqualTo(expected);
        long expectedCount = expected.values().stream().mapToLong(List::size).sum();
        long rawCount = raw.values().stream().mapToLong(List::size).sum();
        assertThat(rawCount).as("at least once: replays repeat events").isGreaterThanOrEqualTo(expectedCount);
    }
}
