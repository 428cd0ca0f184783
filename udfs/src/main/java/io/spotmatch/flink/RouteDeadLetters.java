package io.spotmatch.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends commands on to their books and dead letters to the side output for the dead-letter topic,
 * and guards the books' history ({@link HistoryGuard}): books are only right if they were built
 * from every command of every orders partition.
 */
public final class RouteDeadLetters extends ProcessFunction<Inbound, SymbolCommand> implements CheckpointedFunction {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final HistoryGuard history;

    private transient Counter deadLetters;

    public RouteDeadLetters() {
        this(false);
    }

    /** @param allowPartialHistory start anywhere in the topic (a deliberate partial backfill into empty tables) */
    public RouteDeadLetters(boolean allowPartialHistory) {
        this.history = new HistoryGuard("orders", allowPartialHistory);
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        history.initializeState(context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        history.snapshotState();
    }

    @Override
    public void processElement(Inbound in, Context ctx, Collector<SymbolCommand> out) {
        history.check(in.partition(), in.offset());
        if (in.deadLetter() != null) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, in.deadLetter());
        } else {
            out.collect(in.command());
        }
    }
}
