package io.spotmatch.flink;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * Guards the history of a topic whose every record the job's state is built from (the books from
 * the orders topic, the balances from the funds topic). The job's state records the partitions it
 * has read and the next offset of each; the first record of a partition it has never seen must be
 * at offset 0, else the job was started without its state somewhere in the middle of the topic and
 * would produce outputs that collide with earlier ones (trade ids, order versions, event seqs) or
 * balances without their deposits. It then fails without restarting, saying what to do.
 */
final class HistoryGuard implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The entry that says the state was written by a guarding job (a pre-guard savepoint has none). */
    static final int GUARDED = -1;

    private final String topic;
    private final boolean allowPartialHistory;
    private transient ListState<Tuple2<Integer, Long>> positionsState;
    /** Partition to the offset after the last record read from it. */
    private transient Map<Integer, Long> nextOffsets;
    /** Restored from a savepoint that predates the guard: it is the job's state, so every partition is trusted. */
    private transient boolean trustUnknownPartitions;

    /**
     * @param topic what the topic is, in the state name and the message ("orders", "funds")
     * @param allowPartialHistory start anywhere in the topic (a deliberate partial backfill into empty tables)
     */
    HistoryGuard(String topic, boolean allowPartialHistory) {
        this.topic = topic;
        this.allowPartialHistory = allowPartialHistory;
    }

    void initializeState(FunctionInitializationContext context) throws Exception {
        // Union state: after a rescale the Kafka splits move between subtasks, so every subtask gets every entry.
        positionsState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>(topic + "-positions", Types.TUPLE(Types.INT, Types.LONG)));
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

    void snapshotState() throws Exception {
        List<Tuple2<Integer, Long>> entries = new ArrayList<>();
        entries.add(Tuple2.of(GUARDED, 0L));
        nextOffsets.forEach((p, o) -> entries.add(Tuple2.of(p, o)));
        positionsState.update(entries);
    }

    /** Notes a record's position; fails the job (no restarts) if it starts a partition in the middle. */
    void check(int partition, long offset) {
        if (nextOffsets.put(partition, offset + 1) == null
                && offset != 0
                && !trustUnknownPartitions
                && !allowPartialHistory) {
            // Only the first offset matters: a transactional producer's control records leave gaps after it.
            throw new SuppressRestartsException(new IllegalStateException(missingHistory(topic, partition, offset)));
        }
    }

    static String missingHistory(String topic, int partition, long offset) {
        return "The job has no state for " + topic + " partition " + partition + " and its first record is at offset "
                + offset + ": restore from a savepoint or checkpoint (flink run -s ...), or start from the earliest"
                + " offset of a topic that still holds its whole history, or (for a deliberate partial backfill into"
                + " EMPTY tables) pass --job.allow-partial-history true";
    }
}
