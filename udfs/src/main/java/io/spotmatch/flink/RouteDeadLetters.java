package io.spotmatch.flink;

import io.spotmatch.ledger.FundsCommand;
import io.spotmatch.wire.PoisonCode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends a topic's commands on (orders to their books, funds commands to the ledger) and its dead
 * letters to the side output for the one dead-letter sink, and guards the topic's history
 * ({@link HistoryGuard}): books and balances are only right if they were built from every command
 * of every partition.
 */
public final class RouteDeadLetters<I extends TopicRecord<C>, C> extends ProcessFunction<I, C>
        implements CheckpointedFunction {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final HistoryGuard history;

    private transient Counter deadLetters;
    /** The same dead letters by code (a {@code code} label in Prometheus), indexed by ordinal. */
    private transient Counter[] byCode;

    private RouteDeadLetters(String topic, boolean allowPartialHistory) {
        this.history = new HistoryGuard(topic, allowPartialHistory);
    }

    /** @param allowPartialHistory start anywhere in the topic (a deliberate partial backfill into empty tables) */
    public static RouteDeadLetters<Inbound, SymbolCommand> orders(boolean allowPartialHistory) {
        return new RouteDeadLetters<>("orders", allowPartialHistory);
    }

    /** @param allowPartialHistory start anywhere in the topic (a deliberate partial backfill into empty tables) */
    public static RouteDeadLetters<FundsInbound, FundsCommand> funds(boolean allowPartialHistory) {
        return new RouteDeadLetters<>("funds", allowPartialHistory);
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        PoisonCode[] codes = PoisonCode.values();
        byCode = new Counter[codes.length];
        for (PoisonCode code : codes) {
            byCode[code.ordinal()] = getRuntimeContext()
                    .getMetricGroup()
                    .addGroup("code", code.name())
                    .counter("deadLetters");
        }
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
    public void processElement(I in, Context ctx, Collector<C> out) {
        history.check(in.partition(), in.offset());
        if (in.deadLetter() != null) {
            deadLetters.inc();
            byCode[in.deadLetter().code().ordinal()].inc();
            ctx.output(DEAD_LETTERS, in.deadLetter());
        } else {
            out.collect(in.command());
        }
    }
}
