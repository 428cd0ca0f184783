package io.spotmatch.flink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The matching operator, keyed by symbol. Each symbol's book lives in memory as a
 * {@link SymbolBook}; keyed state (a {@link BookHeader} and a map of {@link RestingOrder}s per
 * symbol) is the source of truth it is rebuilt from after a restore, the first time the symbol
 * is seen again.
 *
 * <p>State is written in {@link #snapshotState}, right before every checkpoint and savepoint takes
 * the keyed state, and only for what changed since the last one. At every checkpoint the state therefore
 * equals what writing every change through would give, but an order placed and cancelled between
 * two checkpoints never costs a RocksDB write, and a symbol's counters are written once per
 * checkpoint instead of once per command. Nothing reads the state between checkpoints except a
 * restore, which starts from the last checkpoint anyway. This is the same mini-batch pattern as
 * Flink's own bundle operators.
 */
public final class MatchOperator extends AbstractStreamOperator<OrderEvent>
        implements OneInputStreamOperator<SymbolCommand, OrderEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(MatchOperator.class);

    public static final OutputTag<TradeRow> TRADES = new OutputTag<>("trades", TypeInformation.of(TradeRow.class));
    public static final OutputTag<OrderRow> ORDERS = new OutputTag<>("orders", TypeInformation.of(OrderRow.class));

    /** The symbol's spec and counters. Name and serializer are part of the savepoint format. */
    public static ValueStateDescriptor<BookHeader> headerDescriptor() {
        return new ValueStateDescriptor<>("book-header", BookHeader.Serializer.INSTANCE);
    }

    /** The symbol's resting orders by order id. Name and serializers are part of the savepoint format. */
    public static MapStateDescriptor<Long, RestingOrder> ordersDescriptor() {
        return new MapStateDescriptor<>("resting-orders", LongSerializer.INSTANCE, RestingOrder.Serializer.INSTANCE);
    }

    private transient ValueState<BookHeader> header;
    private transient MapState<Long, RestingOrder> resting;
    /** In-memory books of the symbols this subtask has seen; iteration order never reaches an output. */
    private transient Map<String, SymbolBook> books;
    private transient List<SymbolBook> dirty;
    private transient StreamRecord<OrderEvent> eventRecord;
    private transient SymbolBook.Outputs outputs;
    private transient long currentTimestamp;

    private transient Counter commands;
    private transient Counter events;
    private transient Counter trades;
    private transient Counter symbolsOnSeveralPartitions;
    private transient Counter adminRepeats;

    @Override
    public void open() throws Exception {
        super.open();
        header = getPartitionedState(headerDescriptor());
        resting = getPartitionedState(ordersDescriptor());
        books = new HashMap<>();
        dirty = new ArrayList<>();
        eventRecord = new StreamRecord<>(null);
        commands = getMetricGroup().counter("commands");
        events = getMetricGroup().counter("orderEvents");
        trades = getMetricGroup().counter("trades");
        symbolsOnSeveralPartitions = getMetricGroup().counter("symbolsOnSeveralPartitions");
        adminRepeats = getMetricGroup().counter("adminRepeats");
        getMetricGroup().gauge("symbols", () -> books.size());
        outputs = new SymbolBook.Outputs() {
            @Override
            public void event(OrderEvent event) {
                events.inc();
                output.collect(eventRecord.replace(event, currentTimestamp));
            }

            @Override
            public void trade(TradeRow row) {
                trades.inc();
                output.collect(TRADES, new StreamRecord<>(row, currentTimestamp));
            }

            @Override
            public void order(OrderRow row) {
                output.collect(ORDERS, new StreamRecord<>(row, currentTimestamp));
            }
        };
    }

    @Override
    public void processElement(StreamRecord<SymbolCommand> record) throws Exception {
        SymbolCommand c = record.getValue();
        SymbolBook book = books.get(c.symbol());
        if (book == null) {
            book = load(c.symbol());
            books.put(c.symbol(), book);
        }
        boolean wasDirty = book.isDirty();
        if (book.notePartition(c.partition())) {
            symbolsOnSeveralPartitions.inc();
            LOG.warn("Symbol {} arrives from more than one partition of the orders topic (now {}): its commands are"
                    + " no longer in one order, so replays of this topic may not give the same trades. Produce"
                    + " orders keyed by symbol.", c.symbol(), c.partition());
        }
        if (c.adminPartition() >= 0 && !book.noteAdminSource(c.adminPartition(), c.adminOffset())) {
            // A second relay of an admin command (relay failover): it is in the orders log, so a replay skips it too.
            adminRepeats.inc();
            LOG.info("Symbol {}: admin command relayed from partition {} offset {} was applied already; skipped",
                    c.symbol(), c.adminPartition(), c.adminOffset());
        } else {
            currentTimestamp = c.timestamp();
            commands.inc();
            book.process(c.command(), c.timestamp(), outputs);
        }
        if (!wasDirty && book.isDirty()) {
            dirty.add(book);
        }
    }

    private SymbolBook load(String symbol) throws Exception {
        BookHeader h = header.value();
        if (h == null) {
            return new SymbolBook(symbol);
        }
        List<RestingOrder> orders = new ArrayList<>();
        for (RestingOrder o : resting.values()) {
            orders.add(o);
        }
        return SymbolBook.restore(symbol, h, orders);
    }

    /** Runs for every checkpoint and savepoint right before the keyed state backend is snapshotted. */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() throws Exception {
        SymbolBook.StateWriter writer = new SymbolBook.StateWriter() {
            @Override
            public void header(BookHeader h) throws Exception {
                header.update(h);
            }

            @Override
            public void put(RestingOrder o) throws Exception {
                resting.put(o.orderId(), o);
            }

            @Override
            public void remove(long orderId) throws Exception {
                resting.remove(orderId);
            }
        };
        for (SymbolBook book : dirty) {
            setCurrentKey(book.symbol());
            book.flush(writer);
        }
        dirty.clear();
    }
}
