package io.spotmatch.flink;

import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps an at-least-once sink whose writer can throw from {@code close()}. The JDBC sink
 * (4.0.0-2.0) does: after a batch failed for good, {@code close()} retries the same batch and
 * throws again, and Flink treats an exception during a failed task's cleanup as fatal and kills
 * the TaskManager, so the restart strategy never gets its turn (in a MiniCluster the job then
 * fails for lack of slots). Swallowing it is safe at least once: every checkpoint flushes the
 * writer first, so what was still buffered is replayed from the last checkpoint after the restart.
 * Not for exactly-once sinks: it does not forward writer state or committables.
 */
public final class CloseSafeSink<T> implements Sink<T> {

    private static final Logger LOG = LoggerFactory.getLogger(CloseSafeSink.class);

    private final Sink<T> delegate;

    public CloseSafeSink(Sink<T> delegate) {
        this.delegate = delegate;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        SinkWriter<T> writer = delegate.createWriter(context);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException, InterruptedException {
                writer.write(element, ctx);
            }

            @Override
            public void flush(boolean endOfInput) throws IOException, InterruptedException {
                writer.flush(endOfInput);
            }

            @Override
            public void close() {
                try {
                    writer.close();
                } catch (Throwable t) {
                    // Errors too: the PostgreSQL driver throws an AssertionError from a batch whose
                    // connection died. Only what must end the JVM is passed on.
                    ExceptionUtils.rethrowIfFatalErrorOrOOM(t);
                    LOG.warn(
                            "Ignored a failure while closing the sink writer; its unflushed records are replayed"
                                    + " from the last checkpoint",
                            t);
                }
            }
        };
    }
}
