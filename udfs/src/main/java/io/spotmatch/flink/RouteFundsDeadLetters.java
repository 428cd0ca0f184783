package io.spotmatch.flink;

import io.spotmatch.ledger.FundsCommand;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sends funds commands on to the ledger and dead letters to {@link RouteDeadLetters#DEAD_LETTERS},
 * for the one dead-letter sink, and guards the funds topic's history ({@link HistoryGuard}): balances
 * are only right if they were built from every funds command of every partition.
 */
public final class RouteFundsDeadLetters extends ProcessFunction<FundsInbound, FundsCommand>
        implements CheckpointedFunction {

    private final HistoryGuard history;

    private transient Counter deadLetters;

    /** @param allowPartialHistory start anywhere in the topic (a deliberate partial backfill into empty tables) */
    public RouteFundsDeadLetters(boolean allowPartialHistory) {
        this.history = new HistoryGuard("funds", allowPartialHistory);
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
    public void processElement(FundsInbound in, Context ctx, Collector<FundsCommand> out) {
        history.check(in.partition(), in.offset());
        if (in.deadLetter() != null) {
            deadLetters.inc();
            ctx.output(RouteDeadLetters.DEAD_LETTERS, in.deadLetter());
        } else {
            out.collect(in.command());
        }
    }
}
