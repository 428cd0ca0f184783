package io.spotmatch.flink;

import io.spotmatch.book.CancelReason;
import io.spotmatch.book.OrderStatus;
import io.spotmatch.wire.Secret;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes order rows to the {@code orders} table with the guarded upsert, at least once, in
 * multi-row statements, without ever making matching wait for PostgreSQL.
 *
 * <ul>
 *   <li>Rows wait in a map keyed by (symbol, order id) where the newest version wins (keeping the
 *       earliest creation time): an order that changes several times within a batch costs one row,
 *       and no statement holds the same order twice (PostgreSQL refuses an ON CONFLICT DO UPDATE that
 *       meets one row twice in a statement, which is why the JDBC connector's sink cannot rewrite
 *       these batches).
 *   <li>A batch is handed to a thread of the writer's own every {@code interval} or at
 *       {@code batchSize} orders. At most two batches wait for it; beyond that the task waits, so a
 *       slow database slows the job instead of filling memory.
 *   <li>Rows of open orders (NEW, PARTIALLY_FILLED) go into a batch only every {@code openInterval}
 *       (and at {@code batchSize}): most orders are filled or cancelled within seconds, and such an
 *       order then costs its final row alone instead of one more for each state it passed. The
 *       table is the same in the end; an open order's row is just up to {@code openInterval} old.
 *   <li>A checkpoint does not wait for the database either: the rows not yet written go into the
 *       checkpoint as writer state, and a restored writer writes them again (the version guard makes
 *       that harmless). Only the end of a bounded input waits for every row.
 *   <li>A failed write is retried {@code maxRetries} times after 1 s, 2 s, ...; then the task fails
 *       and the restart strategy takes over. {@code close()} never throws.
 * </ul>
 */
public final class OrderRowSink implements Sink<OrderRow>, SupportsWriterState<OrderRow, OrderRowSink.Unwritten> {

    private static final Logger LOG = LoggerFactory.getLogger(OrderRowSink.class);

    private final String url;
    private final String user;
    /** Read by each writer on its TaskManager: the job graph holds only where the password is kept. */
    private final Secret password;

    private final int batchSize;
    private final long intervalMillis;
    private final long openIntervalMillis;
    private final int maxRetries;

    public OrderRowSink(
            String url,
            String user,
            Secret password,
            int batchSize,
            Duration interval,
            Duration openInterval,
            int maxRetries) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.batchSize = batchSize;
        this.intervalMillis = interval.toMillis();
        this.openIntervalMillis = openInterval.toMillis();
        this.maxRetries = maxRetries;
    }

    /** Rows handed to a writer but not yet known to be in the database: the writer's checkpointed state. */
    public record Unwritten(List<OrderRow> rows) {}

    @Override
    public StatefulSinkWriter<OrderRow, Unwritten> createWriter(WriterInitContext context) {
        return new Writer(context.getProcessingTimeService(), List.of());
    }

    @Override
    public StatefulSinkWriter<OrderRow, Unwritten> restoreWriter(
            WriterInitContext context, Collection<Unwritten> recovered) {
        return new Writer(context.getProcessingTimeService(), recovered);
    }

    @Override
    public SimpleVersionedSerializer<Unwritten> getWriterStateSerializer() {
        return new UnwrittenSerializer();
    }

    private record Key(String symbol, long orderId) {}

    private final class Writer implements StatefulSinkWriter<OrderRow, Unwritten> {
        private final ProcessingTimeService time;
        private Map<Key, OrderRow> pending = new LinkedHashMap<>();
        /** Batches handed to the writer thread and not yet committed, oldest first; guarded by this. */
        private final Deque<List<OrderRow>> unwritten = new ArrayDeque<>();

        private final Thread thread;
        private OrderRowWriter rowWriter;
        /** Volatile: {@link #close()} aborts it from the task thread when the writer thread does not stop. */
        private volatile Connection connection;

        private boolean timerSet;
        /** Processing time from which the next batch also takes the open orders' rows. */
        private long openDue;

        private volatile Throwable failure;
        private volatile boolean closed;

        Writer(ProcessingTimeService time, Collection<Unwritten> recovered) {
            this.time = time;
            for (Unwritten u : recovered) {
                for (OrderRow row : u.rows()) {
                    add(row);
                }
            }
            // Restored rows are written now, not when the next row or checkpoint happens to come.
            if (!pending.isEmpty()) {
                unwritten.addLast(new ArrayList<>(pending.values()));
                pending = new LinkedHashMap<>();
            }
            this.thread = new Thread(this::drain, "orders-writer");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        private void add(OrderRow row) {
            pending.merge(new Key(row.symbol(), row.orderId()), row, OrderRow::newer);
        }

        @Override
        public void write(OrderRow row, Context context) throws IOException, InterruptedException {
            rethrow();
            add(row);
            if (pending.size() >= batchSize) {
                handOver(true);
            } else {
                armTimer();
            }
        }

        private void armTimer() {
            if (!timerSet && intervalMillis > 0) {
                timerSet = true;
                time.registerTimer(time.getCurrentProcessingTime() + intervalMillis, t -> {
                    timerSet = false;
                    handOver(t >= openDue);
                    if (!pending.isEmpty()) {
                        armTimer(); // open orders' rows held back still get written without new rows
                    }
                });
            }
        }

        /**
         * Before a checkpoint: hand over the final rows (the checkpoint keeps what is unwritten and
         * what is held back). At the end: write it all and wait for it.
         */
        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            handOver(endOfInput);
            if (endOfInput) {
                synchronized (this) {
                    while (!unwritten.isEmpty() && failure == null) {
                        wait();
                    }
                }
                rethrow();
            }
        }

        @Override
        public List<Unwritten> snapshotState(long checkpointId) {
            List<OrderRow> rows = new ArrayList<>(pending.values());
            synchronized (this) {
                for (List<OrderRow> batch : unwritten) {
                    rows.addAll(batch);
                }
            }
            return rows.isEmpty() ? List.of() : List.of(new Unwritten(rows));
        }

        /** Hands the pending rows to the writer thread: all of them, or only those of final orders. */
        private void handOver(boolean withOpen) throws IOException, InterruptedException {
            rethrow();
            List<OrderRow> batch;
            if (withOpen || openIntervalMillis <= intervalMillis) {
                batch = new ArrayList<>(pending.values());
                pending = new LinkedHashMap<>();
                openDue = time.getCurrentProcessingTime() + openIntervalMillis;
            } else {
                batch = new ArrayList<>();
                for (Iterator<OrderRow> i = pending.values().iterator(); i.hasNext(); ) {
                    OrderRow row = i.next();
                    if (!row.status().isOpen()) {
                        batch.add(row);
                        i.remove();
                    }
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            synchronized (this) {
                while (unwritten.size() >= 2 && failure == null) {
                    wait();
                }
                unwritten.addLast(batch);
                notifyAll();
            }
            rethrow();
        }

        private void rethrow() throws IOException {
            if (failure != null) {
                throw new IOException("writing order rows failed", failure);
            }
        }

        private void drain() {
            try {
                while (!closed) {
                    List<OrderRow> batch;
                    synchronized (this) {
                        while (unwritten.isEmpty()) {
                            wait();
                        }
                        batch = unwritten.peekFirst();
                    }
                    writeWithRetries(batch);
                    synchronized (this) {
                        unwritten.removeFirst();
                        notifyAll();
                    }
                }
            } catch (InterruptedException e) {
                // closing
            } catch (Throwable t) {
                failure = t;
                synchronized (this) {
                    notifyAll();
                }
            } finally {
                closeConnection();
            }
        }

        private void writeWithRetries(List<OrderRow> rows) throws IOException, InterruptedException {
            for (int attempt = 0; ; attempt++) {
                try {
                    write(rows);
                    return;
                } catch (SQLException e) {
                    closeConnection();
                    if (closed) {
                        throw new InterruptedException("closed");
                    }
                    if (attempt >= maxRetries) {
                        throw new IOException(
                                "writing " + rows.size() + " order rows failed after " + attempt + " retries", e);
                    }
                    LOG.warn(
                            "Writing {} order rows failed (attempt {} of {}), retrying",
                            rows.size(),
                            attempt + 1,
                            maxRetries + 1,
                            e);
                    Thread.sleep(1000L * (attempt + 1));
                }
            }
        }

        private void write(List<OrderRow> batch) throws SQLException {
            if (connection == null || !connection.isValid(10)) {
                closeConnection();
                connection = PostgresConnections.open(url, user, password.text());
                connection.setAutoCommit(false);
                rowWriter = new OrderRowWriter(connection, OrderRowWriter.Mode.COPY_MERGE);
            }
            rowWriter.write(batch);
            connection.commit();
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

        /**
         * Never throws: rows not yet written are in the last checkpoint and written again after a
         * restore. The writer thread ends with the task: an interrupt stops it between statements,
         * and one blocked in the database (waiting for a lock, or for an answer) has its connection
         * aborted, which rolls its transaction back, so a writer of a finished or failed attempt
         * never writes, holds locks or keeps a connection after the task is gone.
         */
        @Override
        public void close() {
            closed = true;
            thread.interrupt();
            try {
                thread.join(2_000);
                if (thread.isAlive()) {
                    Connection c = connection;
                    if (c != null) {
                        LOG.warn("The orders writer did not stop within 2 s; aborting its connection");
                        try {
                            c.abort(Runnable::run);
                        } catch (SQLException | RuntimeException e) {
                            LOG.warn("Aborting the orders writer's connection failed", e);
                        }
                    }
                    thread.join(10_000);
                    if (thread.isAlive()) {
                        LOG.error("The orders writer thread is still alive 12 s after close");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Versioned binary form of the unwritten rows, kept in checkpoints and savepoints. */
    static final class UnwrittenSerializer implements SimpleVersionedSerializer<Unwritten> {
        /**
         * v1: the rows without client order ids; v2: each row then its client order id, its expiry
         * time and its stop price (v1 reads as none).
         */
        static final int VERSION = 2;

        private static final OrderStatus[] STATUSES = OrderStatus.values();
        private static final CancelReason[] REASONS = CancelReason.values();

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(Unwritten u) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(64 + u.rows().size() * 96);
            out.writeInt(u.rows().size());
            for (OrderRow r : u.rows()) {
                out.writeUTF(r.symbol());
                out.writeLong(r.orderId());
                out.writeLong(r.userId());
                Codec.writeEnum(out, r.side());
                Codec.writeEnum(out, r.orderType());
                Codec.writeEnum(out, r.timeInForce());
                Codec.writeEnum(out, r.stp());
                writeDecimal(out, r.price());
                writeDecimal(out, r.quantity());
                writeDecimal(out, r.quoteQuantity());
                Codec.writeEnum(out, r.status());
                writeDecimal(out, r.filledQuantity());
                writeDecimal(out, r.filledQuote());
                writeDecimal(out, r.fees());
                Codec.writeEnum(out, r.cancelReason());
                out.writeLong(r.version());
                out.writeLong(r.createdAt());
                out.writeLong(r.updatedAt());
                Codec.writeString(out, r.clientOrderId());
                out.writeLong(r.expireTime() == null ? 0 : r.expireTime());
                writeDecimal(out, r.stopPrice());
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public Unwritten deserialize(int version, byte[] bytes) throws IOException {
            if (version < 1 || version > VERSION) {
                throw new IOException("unwritten order rows have format version " + version + "; this build reads "
                        + VERSION + ". They were written by a newer SpotMatch.");
            }
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            int n = in.readInt();
            List<OrderRow> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rows.add(new OrderRow(
                        in.readUTF(),
                        in.readLong(),
                        in.readLong(),
                        Codec.readEnum(in, Codec.SIDES),
                        Codec.readEnum(in, Codec.ORDER_TYPES),
                        Codec.readEnum(in, Codec.TIME_IN_FORCES),
                        Codec.readEnum(in, Codec.STP_MODES),
                        readDecimal(in),
                        readDecimal(in),
                        readDecimal(in),
                        Codec.readEnum(in, STATUSES),
                        readDecimal(in),
                        readDecimal(in),
                        readDecimal(in),
                        Codec.readEnum(in, REASONS),
                        in.readLong(),
                        in.readLong(),
                        in.readLong(),
                        version >= 2 ? Codec.readString(in) : null,
                        version >= 2 ? expireTime(in.readLong()) : null,
                        version >= 2 ? readDecimal(in) : null));
            }
            return new Unwritten(rows);
        }

        private static Long expireTime(long stored) {
            return stored == 0 ? null : stored;
        }

        private static void writeDecimal(DataOutputView out, BigDecimal d) throws IOException {
            if (d == null) {
                out.writeInt(-1);
                return;
            }
            byte[] unscaled = d.unscaledValue().toByteArray();
            out.writeInt(unscaled.length);
            out.write(unscaled);
            out.writeInt(d.scale());
        }

        private static BigDecimal readDecimal(DataInputView in) throws IOException {
            int length = in.readInt();
            if (length < 0) {
                return null;
            }
            byte[] unscaled = new byte[length];
            in.readFully(unscaled);
            return new BigDecimal(new BigInteger(unscaled), in.readInt());
        }
    }
}
