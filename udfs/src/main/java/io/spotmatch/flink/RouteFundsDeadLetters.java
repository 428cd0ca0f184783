package io.spotmatch.flink;

import io.spotmatch.ledger.FundsCommand;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Sends funds commands on to the ledger and dead letters to {@link RouteDeadLetters#DEAD_LETTERS}, for the one dead-letter sink. */
public final class RouteFundsDeadLetters extends ProcessFunction<FundsInbound, FundsCommand> {

    private transient Counter deadLetters;

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(FundsInbound in, Context ctx, Collector<FundsCommand> out) {
        if (in.deadLetter() != null) {
            deadLetters.inc();
            ctx.output(RouteDeadLetters.DEAD_LETTERS, in.deadLetter());
        } else {
            out.collect(in.command());
        }
    }
}
