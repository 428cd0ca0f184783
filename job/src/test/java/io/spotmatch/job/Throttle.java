package io.spotmatch.job;

import io.spotmatch.flink.SymbolCommand;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.MapFunction;

/** Slows commands down to about {@code perSecond} per parallel instance, so a test can stop a job mid-stream. */
final class Throttle implements MapFunction<SymbolCommand, SymbolCommand> {

    private final int perSecond;
    private transient long started;
    private transient long count;

    Throttle(int perSecond) {
        this.perSecond = perSecond;
    }

    @Override
    public SymbolCommand map(SymbolCommand c) {
        if (started == 0) {
            started = System.nanoTime();
        }
        long due = started + ++count * 1_000_000_000L / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        return c;
    }
}
