package io.spotmatch.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Sends commands on to their books and dead letters to the side output for the dead-letter topic. */
public final class RouteDeadLetters extends ProcessFunction<Inbound, SymbolCommand> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {
    };

    private transient Counter deadLetters;

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(Inbound in, Context ctx, Collector<SymbolCommand> out) {
        if (in.deadLetter() != null) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, in.deadLetter());
        } else {
            out.collect(in.command());
        }
    }
}
