package io.spotmatch.job;

import io.spotmatch.flink.SymbolCommand;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Failure injection without static state: attempt k of the job fails after a subtask has read
 * {@code failAfter[k]} commands in that attempt, and optionally the first checkpoint of one later
 * attempt fails; the attempts after run through. The attempt number comes from the task, so the
 * injector needs no memory across restarts, and a test counts the restarts from the execution
 * graph ({@link Pipeline#restarts}).
 */
final class AttemptFailure extends RichMapFunction<SymbolCommand, SymbolCommand> implements CheckpointedFunction {

    private final long[] failAfter;
    private final int failCheckpointInAttempt;
    private transient long seen;
    private transient boolean checkpointFailed;

    private AttemptFailure(int failCheckpointInAttempt, long[] failAfter) {
        this.failAfter = failAfter;
        this.failCheckpointInAttempt = failCheckpointInAttempt;
    }

    /** Fails attempts 0, 1, ... after the given numbers of commands. */
    static AttemptFailure after(long... failAfter) {
        return new AttemptFailure(-1, failAfter);
    }

    /** The same, and the first checkpoint of attempt {@code attempt} fails too. */
    AttemptFailure andFirstCheckpointOfAttempt(int attempt) {
        return new AttemptFailure(attempt, failAfter);
    }

    private int attempt() {
        return getRuntimeContext().getTaskInfo().getAttemptNumber();
    }

    @Override
    public SymbolCommand map(SymbolCommand c) {
        int attempt = attempt();
        if (attempt < failAfter.length && ++seen > failAfter[attempt]) {
            throw new IllegalStateException(
                    "injected failure in attempt " + attempt + " after " + failAfter[attempt] + " commands");
        }
        return c;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (attempt() == failCheckpointInAttempt
                && !checkpointFailed
                && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            checkpointFailed = true;
            throw new Exception("injected failure of checkpoint " + context.getCheckpointId() + " in attempt "
                    + failCheckpointInAttempt);
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}
}
