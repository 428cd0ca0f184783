package io.spotmatch.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends commands on to their books and dead letters to the side output for the dead-letter topic,
 * and guards the books' history: books are only right if they were built from every command of
 * every orders partition. The job's state records the partitions it has read (and the next
 * offset of each); the first record of a partition it has never seen must be at offset 0, else
 * the job was started without its state somewhere in the middle of the topic and would produce
 * trade ids, order versions and event seqs that collide with earlier ones. It then fails without
 * restarting, saying what to do.
 */
public final class RouteDeadLetters extends ProcessFunction<Inbound, SymbolCommand> implements CheckpointedFunction {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {
    };

    /** The entry that says the state was written by a guarding job (a pre-guard savepoint has none). */
    static final int GUARDED = -1;

    private final boolean allowPartialHistory;

    private transient Counter deadLetters;
    private transient ListState<Tuple2<Integer, Long>> positionsState;
    /** Partition to the offset after the last record read from it. */
    private transient Map<Integer, Long> nextOffsets;
    /** Restored from a savepoint that predates the guard: it is the job's state, so every partition is trusted. */
    private transient boolean trustUnknownPartitions;

    public RouteDeadLetters() {
        this(false);
    }

    /** @param allowPartialHistory start anywhere in the topic (a deliberate partial backfill into empty tables) */
    public RouteDeadLetters(boolean allowPartialHistory) {
        this.allowPartialHistory = allowPartialHistory;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Union state: after a rescale the Kafka splits move between subtasks, so every subtask gets every entry.
        positionsState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("orders-positions", Types.TUPLE(Types.INT, Types.LONG)));
        nextOffsets = new TreeMap<>();
        boolean guarded = false;
        for (Tuple2<Integer, Long> e : positionsState.get()) {
            if (e.f0 == GUARDED) {
                guarded = true;
            } else {
                nextOffsets.merge(e.f0, e.f1, Math::max); // a stale copy from another subtask is behind, never ahead
            }
        }
        trustUnknownPartitions = context.isRestored() && !guarded;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<Tuple2<Integer, Long>> entries = new ArrayList<>();
        entries.add(Tuple2.of(GUARDED, 0L));
        nextOffsets.forEach((p, o) -> entries.add(Tuple2.of(p, o)));
        positionsState.update(entries);
    }

    @Override
    public void processElement(Inbound in, Context ctx, Collector<SymbolCommand> out) {
        if (nextOffsets.put(in.partition(), in.offset() + 1) == null && in.offset() != 0
                && !trustUnknownPartitions && !allowPartialHistory) {
            // Only the first offset matters: a transactional producer's control records leave gaps after it.
            throw new SuppressRestartsException(new IllegalStateException(missingHistory(in.partition(), in.offset())));
        }
        if (in.deadLetter() != null) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, in.deadLetter());
        } else {
            out.collect(in.command());
        }
    }

    static String missingHistory(int partition, long offset) {
        return "The job has no state for orders partition " + partition + " and its first record is at offset "
                + offset + ": restore from a savepoint or checkpoint (flink run -s ...), or start from the earliest"
                + " offset of a topic that still holds its whole history, or (for a deliberate partial backfill into"
                + " EMPTY tables) pass --job.allow-partial-history true";
    }
}
