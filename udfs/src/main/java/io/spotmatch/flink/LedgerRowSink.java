package io.spotmatch.flink;

import io.spotmatch.wire.Secret;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes ledger rows to the {@code ledger} table at least once with {@link LedgerRowWriter}
 * ({@code COPY}, idempotent by the primary key), as the JDBC connector's sink did before: a batch at
 * {@code batchSize} rows, every {@code interval}, and at every checkpoint (so what a failure loses
 * is replayed from the checkpoint, and the replay changes nothing), on the task's own thread. No
 * state, as the connector's sink had none at least once: savepoints restore either way.
 *
 * <p>A failed batch is written again on a new connection after 1 s, 2 s, ... ({@code maxRetries}
 * times); then the task fails and the restart strategy takes over. {@code close()} never throws.
 */
public final class LedgerRowSink implements Sink<LedgerRow> {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerRowSink.class);

    private final String url;
    private final String user;
    /** Read by each writer on its TaskManager: the job graph holds only where the password is kept. */
    private final Secret password;

    private final int batchSize;
    private final long intervalMillis;
    private final int maxRetries;

    public LedgerRowSink(String url, String user, Secret password, int batchSize, Duration interval, int maxRetries) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.batchSize = batchSize;
        this.intervalMillis = interval.toMillis();
        this.maxRetries = maxRetries;
    }

    @Override
    public SinkWriter<LedgerRow> createWriter(WriterInitContext context) {
        return new Writer(context.getProcessingTimeService());
    }

    private final class Writer implements SinkWriter<LedgerRow> {
        private final ProcessingTimeService time;
        private List<LedgerRow> pending = new ArrayList<>();
        private boolean timerSet;
        private Connection connection;
        private LedgerRowWriter rowWriter;

        Writer(ProcessingTimeService time) {
            this.time = time;
        }

        @Override
        public void write(LedgerRow row, Context context) throws IOException, InterruptedException {
            pending.add(row);
            if (pending.size() >= batchSize) {
                writePending();
            } else if (!timerSet && intervalMillis > 0) {
                timerSet = true;
                time.registerTimer(time.getCurrentProcessingTime() + intervalMillis, t -> {
                    timerSet = false;
                    writePending();
                });
            }
        }

        /** Before every checkpoint and at the end: nothing may stay unwritten, as nothing is in the checkpoint. */
        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            writePending();
        }

        private void writePending() throws IOException, InterruptedException {
            if (pending.isEmpty()) {
                return;
            }
            for (int attempt = 0; ; attempt++) {
                try {
                    if (connection == null || !connection.isValid(10)) {
                        closeConnection();
                        connection = PostgresConnections.open(url, user, password.text());
                        connection.setAutoCommit(false);
                        rowWriter = new LedgerRowWriter(connection);
                    }
                    if (!rowWriter.write(pending)) {
                        LOG.info(
                                "{} ledger rows met rows written before (a replay); those are unchanged",
                                pending.size());
                    }
                    connection.commit();
                    break;
                } catch (SQLException e) {
                    closeConnection();
                    if (attempt >= maxRetries) {
                        throw new IOException(
                                "writing " + pending.size() + " ledger rows failed after " + attempt + " retries", e);
                    }
                    LOG.warn(
                            "Writing {} ledger rows failed (attempt {} of {}), retrying",
                            pending.size(),
                            attempt + 1,
                            maxRetries + 1,
                            e);
                    Thread.sleep(1000L * (attempt + 1));
                }
            }
            pending = new ArrayList<>();
        }

        private void closeConnection() {
            rowWriter = null;
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // broken already
                }
                connection = null;
            }
        }

        /** Never throws: rows not yet written are replayed from the last checkpoint after a restore. */
        @Override
        public void close() {
            closeConnection();
        }
    }
}
