package io.spotmatch.flink;

import io.spotmatch.book.Command;
import io.spotmatch.book.CommandType;
import io.spotmatch.book.HeapOrderBook;
import io.spotmatch.book.OrderBook;
import io.spotmatch.book.RejectReason;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.ledger.Movement;
import io.spotmatch.marketdata.MarketData;
import io.spotmatch.marketdata.MarketDataOptions;
import io.spotmatch.marketdata.MarketDataState;
import io.spotmatch.wire.CommandJson;
import io.spotmatch.wire.EventJson;
import io.spotmatch.wire.PoisonCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableFunction;
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
 *
 * <p>What one command produces is held back until the command is done. If the engine throws on a
 * command (a bug, never a business problem), its outputs are dropped, the command goes to the
 * dead-letter output ({@code ENGINE_ERROR}), and the symbol is rebuilt from its state before the
 * command and HALTED; every other symbol keeps trading. A command from another Kafka partition than
 * the one its symbol is bound to goes to the dead-letter output too ({@code WRONG_PARTITION}). A
 * symbol that is not listed costs nothing: its commands are rejected with seq 0 and leave no state.
 */
public final class MatchOperator extends AbstractStreamOperator<OrderEvent>
        implements OneInputStreamOperator<SymbolCommand, OrderEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(MatchOperator.class);

    public static final OutputTag<TradeRow> TRADES = new OutputTag<>("trades", TypeInformation.of(TradeRow.class));
    public static final OutputTag<OrderRow> ORDERS = new OutputTag<>("orders", TypeInformation.of(OrderRow.class));
    /** Commands the books could not take; same type as {@link RouteDeadLetters#DEAD_LETTERS}, for one sink. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("match-dead-letters", RouteDeadLetters.DEAD_LETTERS.getTypeInfo());

    /** Balance movements (holds and settlements), when settlement is on; keyed by account downstream. */
    public static final OutputTag<Movement> MOVEMENTS =
            new OutputTag<>("movements", TypeInformation.of(Movement.class));

    // ---- market data ----
    /** Depth updates, snapshots, best bid and offer, public trades and candles, keyed by symbol downstream. */
    public static final OutputTag<MarketData> MARKET_DATA =
            new OutputTag<>("market-data", TypeInformation.of(MarketData.class));

    /** The symbol's open candles and last depth seq. Name and serializer are part of the savepoint format. */
    public static ValueStateDescriptor<MarketDataState> marketDataDescriptor() {
        return new ValueStateDescriptor<>("market-data", MarketDataStateSerializer.INSTANCE);
    }

    private MarketDataOptions marketDataOptions = MarketDataOptions.off();
    private transient ValueState<MarketDataState> marketDataState;
    private transient List<MarketData> pendingMarketData;

    /** Publishes market data as the options say (default: none). */
    public MatchOperator withMarketData(MarketDataOptions options) {
        this.marketDataOptions = options;
        return this;
    }
    // ---- end of market data ----

    /** Changed orders at which a book writes them to state between commands; 0: only at checkpoints. */
    private int stateFlushOrders;

    /** Spreads a checkpoint's state writes over the interval before it ({@code job.state-flush-orders}). */
    public MatchOperator withStateFlushOrders(int orders) {
        this.stateFlushOrders = orders;
        return this;
    }

    private static final Command HALT = Command.symbol(SymbolUpdate.status(SymbolStatus.HALTED));

    /** The symbol's spec and counters. Name and serializer are part of the savepoint format. */
    public static ValueStateDescriptor<BookHeader> headerDescriptor() {
        return new ValueStateDescriptor<>("book-header", BookHeader.Serializer.INSTANCE);
    }

    /** The symbol's resting orders by order id. Name and serializers are part of the savepoint format. */
    public static ValueStateDescriptor<BookLimits> limitsDescriptor() {
        return new ValueStateDescriptor<>("book-limits", BookLimits.Serializer.INSTANCE);
    }

    public static ValueStateDescriptor<RecentClientOrderIds> recentClientOrderIdsDescriptor() {
        return new ValueStateDescriptor<>("recent-client-order-ids", RecentClientOrderIds.Serializer.INSTANCE);
    }

    public static MapStateDescriptor<Long, RestingOrder> ordersDescriptor() {
        return new MapStateDescriptor<>("resting-orders", LongSerializer.INSTANCE, RestingOrder.Serializer.INSTANCE);
    }

    private final String ordersTopic;
    private final SerializableFunction<String, OrderBook> engines;
    private final boolean settlement;

    private transient ValueState<BookHeader> header;
    private transient ValueState<BookLimits> limits;
    private transient ValueState<RecentClientOrderIds> recentClientOrderIds;
    private transient MapState<Long, RestingOrder> resting;
    /** In-memory books of the listed symbols this subtask has seen; iteration order never reaches an output. */
    private transient Map<String, SymbolBook> books;

    /** Books written to state since the last checkpoint or with changes not yet written, in first-change order. */
    private transient Set<SymbolBook> dirty;

    private transient StreamRecord<OrderEvent> eventRecord;
    private transient SymbolBook.Outputs outputs;
    private transient SymbolBook.StateWriter stateWriter;
    private transient long currentTimestamp;
    // One command's outputs until it is done; reused, so holding them back allocates nothing.
    private transient List<OrderEvent> pendingEvents;
    private transient List<TradeRow> pendingTrades;
    private transient List<OrderRow> pendingOrders;
    private transient List<Movement> pendingMovements;
    private transient StringBuilder json;

    private transient Counter commands;
    private transient Counter events;
    private transient Counter trades;
    private transient Counter wrongPartitionCommands;
    private transient Counter quarantinedSymbols;
    private transient Counter adminRepeats;
    /** Dead letters of this operator by code: only its own two codes, so the rest stay on the readers. */
    private transient Counter wrongPartitionDeadLetters;

    private transient Counter engineErrorDeadLetters;
    /** Processing time of a command's first event minus its Kafka timestamp; a metric, never an output. */
    private transient DurationHistogram orderToEventLatency;
    /** How long writing the books' changes to keyed state takes at each checkpoint. */
    private transient DurationHistogram bookFlushDuration;
    /** Listed symbols of this subtask's key groups that are HALTED (by an operator or a quarantine). */
    private transient java.util.Set<String> halted;

    private transient volatile int haltedCount;

    /** @param ordersTopic the topic commands are read from, named in dead letters */
    public MatchOperator(String ordersTopic) {
        this(ordersTopic, false);
    }

    /** @param settlement whether the books also produce balance movements ({@link #MOVEMENTS}) */
    public MatchOperator(String ordersTopic, boolean settlement) {
        this(ordersTopic, symbol -> new HeapOrderBook(), settlement);
    }

    /** Tests hand in engines that fail on purpose. */
    MatchOperator(String ordersTopic, SerializableFunction<String, OrderBook> engines) {
        this(ordersTopic, engines, false);
    }

    MatchOperator(String ordersTopic, SerializableFunction<String, OrderBook> engines, boolean settlement) {
        this.ordersTopic = ordersTopic;
        this.engines = engines;
        this.settlement = settlement;
    }

    @Override
    public void open() throws Exception {
        super.open();
        header = getPartitionedState(headerDescriptor());
        limits = getPartitionedState(limitsDescriptor());
        recentClientOrderIds = getPartitionedState(recentClientOrderIdsDescriptor());
        resting = getPartitionedState(ordersDescriptor());
        marketDataState = getPartitionedState(marketDataDescriptor());
        pendingMarketData = new ArrayList<>();
        books = new HashMap<>();
        dirty = new LinkedHashSet<>();
        eventRecord = new StreamRecord<>(null);
        pendingEvents = new ArrayList<>();
        pendingTrades = new ArrayList<>();
        pendingOrders = new ArrayList<>();
        pendingMovements = new ArrayList<>();
        json = new StringBuilder(256);
        commands = getMetricGroup().counter("commands");
        events = getMetricGroup().counter("orderEvents");
        trades = getMetricGroup().counter("trades");
        wrongPartitionCommands = getMetricGroup().counter("wrongPartitionCommands");
        quarantinedSymbols = getMetricGroup().counter("quarantinedSymbols");
        adminRepeats = getMetricGroup().counter("adminRepeats");
        getMetricGroup().gauge("symbols", () -> books.size());
        wrongPartitionDeadLetters = getMetricGroup()
                .addGroup("code", PoisonCode.WRONG_PARTITION.name())
                .counter("deadLetters");
        engineErrorDeadLetters = getMetricGroup()
                .addGroup("code", PoisonCode.ENGINE_ERROR.name())
                .counter("deadLetters");
        orderToEventLatency = getMetricGroup().histogram("orderToEventLatency", new DurationHistogram());
        bookFlushDuration = getMetricGroup().histogram("bookFlushDuration", new DurationHistogram());
        halted = new java.util.HashSet<>();
        // The halted symbols of the restored state, so the gauge is right before their books are rebuilt.
        getKeyedStateBackend()
                .applyToAllKeys(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        headerDescriptor(),
                        (symbol, state) -> {
                            BookHeader h = state.value();
                            if (h != null && h.spec() != null && h.spec().status() == SymbolStatus.HALTED) {
                                halted.add(symbol.toString());
                            }
                        });
        haltedCount = halted.size();
        getMetricGroup().gauge("haltedSymbols", () -> haltedCount);
        outputs = new SymbolBook.Outputs() {
            @Override
            public void event(OrderEvent event) {
                pendingEvents.add(event);
            }

            @Override
            public void trade(TradeRow row) {
                pendingTrades.add(row);
            }

            @Override
            public void order(OrderRow row) {
                pendingOrders.add(row);
            }

            @Override
            public void movement(Movement movement) {
                pendingMovements.add(movement);
            }

            @Override
            public void marketData(MarketData message) {
                pendingMarketData.add(message);
            }
        };
        stateWriter = new SymbolBook.StateWriter() {
            @Override
            public void header(BookHeader h) throws Exception {
                header.update(h);
            }

            @Override
            public void limits(BookLimits l) throws Exception {
                limits.update(l);
            }

            @Override
            public void recentClientOrderIds(RecentClientOrderIds ids) throws Exception {
                if (ids.ids().isEmpty()) {
                    recentClientOrderIds.clear();
                } else {
                    recentClientOrderIds.update(ids);
                }
            }

            @Override
            public void put(RestingOrder o) throws Exception {
                resting.put(o.orderId(), o);
            }

            @Override
            public void remove(long orderId) throws Exception {
                resting.remove(orderId);
            }

            @Override
            public void marketData(MarketDataState state) throws Exception {
                marketDataState.update(state);
            }
        };
    }

    @Override
    public void processElement(StreamRecord<SymbolCommand> record) throws Exception {
        SymbolCommand c = record.getValue();
        String symbol = c.symbol();
        currentTimestamp = c.timestamp();
        commands.inc();
        SymbolBook book = books.get(symbol);
        boolean fresh = false;
        if (book == null) {
            BookHeader h = header.value();
            if (h == null) {
                if (c.command().type() != CommandType.SYMBOL) {
                    rejectUnlisted(c);
                    return;
                }
                book = new SymbolBook(symbol, engines.apply(symbol));
                if (settlement) {
                    book.settle();
                }
                book.publish(marketDataOptions, null);
                fresh = true;
            } else {
                book = restore(symbol, h);
            }
            books.put(symbol, book);
        }
        boolean wasDirty = book.isDirty();
        if (!book.admits(c.partition())) {
            wrongPartition(book, c);
            return;
        }
        if (c.adminPartition() >= 0 && !book.noteAdminSource(c.adminPartition(), c.adminOffset())) {
            // A second relay of an admin command (relay failover): it is in the orders log, so a replay skips it too.
            adminRepeats.inc();
            LOG.info(
                    "Symbol {}: admin command relayed from partition {} offset {} was applied already; skipped",
                    symbol,
                    c.adminPartition(),
                    c.adminOffset());
        } else {
            try {
                book.process(c.command(), c.timestamp(), outputs);
            } catch (RuntimeException e) {
                dropPending();
                quarantine(book, c, e);
                return;
            }
            releasePending();
            if (c.command().type() == CommandType.SYMBOL) {
                noteStatus(book);
            }
        }
        if (fresh && book.book().spec() == null) {
            // A refused listing: the symbol stays unlisted and keeps costing nothing.
            books.remove(symbol);
        } else if (book.isDirty()) {
            if (!wasDirty) {
                dirty.add(book); // once per clean-to-dirty change, not a set lookup per command
            }
            if (stateFlushOrders > 0 && book.changedOrders() >= stateFlushOrders) {
                // Between two commands and with this symbol's key current: state as a checkpoint now would write it.
                book.flush(stateWriter);
            }
        }
    }

    /** Not listed and no state: answered without a book, so garbage symbols cost neither memory nor state. */
    private void rejectUnlisted(SymbolCommand c) {
        EventJson.rejected(json, c.symbol(), 0, c.timestamp(), c.command(), RejectReason.UNKNOWN_SYMBOL);
        events.inc();
        noteLatency();
        output.collect(eventRecord.replace(new OrderEvent(c.symbol(), 0, EventJson.bytes(json)), c.timestamp()));
    }

    private void wrongPartition(SymbolBook book, SymbolCommand c) {
        wrongPartitionCommands.inc();
        String message = "symbol " + c.symbol() + " is bound to partition " + book.sourcePartition() + " of "
                + ordersTopic + " but this command came from partition " + c.partition() + "; it was not processed."
                + " Produce orders keyed by symbol; to move a symbol to another partition, see 'Moving a symbol"
                + " to another partition' in the README";
        LOG.warn("{} (offset {})", message, c.offset());
        deadLetter(c, PoisonCode.WRONG_PARTITION, message);
    }

    /**
     * The engine threw on a command: nothing it produced leaves, the symbol's state is put back as it
     * was before the command, and the symbol is HALTED so an operator can look before it trades again.
     */
    private void quarantine(SymbolBook failed, SymbolCommand c, RuntimeException e) throws Exception {
        quarantinedSymbols.inc();
        String symbol = c.symbol();
        LOG.error(
                "The matching engine failed on a command of symbol {} ({}[{}]@{}): the command goes to the"
                        + " dead-letter topic as ENGINE_ERROR and the symbol is HALTED with its book as before the command;"
                        + " every other symbol keeps trading. Resume it with a SYMBOL command with status TRADING.",
                symbol,
                ordersTopic,
                c.partition(),
                c.offset(),
                e);
        deadLetter(
                c,
                PoisonCode.ENGINE_ERROR,
                "the matching engine failed on this command: " + e + "; symbol " + symbol
                        + " is HALTED with its book as before the command");
        books.remove(symbol);
        if (!failed.rollBack(stateWriter)) {
            return; // a listing that failed: the symbol stays unlisted
        }
        BookHeader h = header.value();
        SymbolBook book = restore(symbol, h);
        books.put(symbol, book);
        if (book.book().spec() != null) {
            book.process(HALT, c.timestamp(), outputs);
            releasePending();
            noteStatus(book);
        }
        if (book.isDirty()) {
            dirty.add(book);
        }
    }

    private void deadLetter(SymbolCommand c, PoisonCode code, String message) {
        (code == PoisonCode.WRONG_PARTITION ? wrongPartitionDeadLetters : engineErrorDeadLetters).inc();
        // The original bytes do not travel with the command; the symbol is the key and the JSON says the same.
        output.collect(
                DEAD_LETTERS,
                new StreamRecord<>(
                        new DeadLetter(
                                c.symbol().getBytes(StandardCharsets.UTF_8),
                                CommandJson.write(c.symbol(), c.command()),
                                ordersTopic,
                                c.partition(),
                                c.offset(),
                                c.timestamp(),
                                code,
                                message),
                        c.timestamp()));
    }

    private void releasePending() {
        if (!pendingEvents.isEmpty()) {
            noteLatency();
        }
        for (int i = 0; i < pendingEvents.size(); i++) {
            events.inc();
            output.collect(eventRecord.replace(pendingEvents.get(i), currentTimestamp));
        }
        for (int i = 0; i < pendingTrades.size(); i++) {
            trades.inc();
            output.collect(TRADES, new StreamRecord<>(pendingTrades.get(i), currentTimestamp));
        }
        for (int i = 0; i < pendingOrders.size(); i++) {
            output.collect(ORDERS, new StreamRecord<>(pendingOrders.get(i), currentTimestamp));
        }
        for (int i = 0; i < pendingMovements.size(); i++) {
            output.collect(MOVEMENTS, new StreamRecord<>(pendingMovements.get(i), currentTimestamp));
        }
        for (int i = 0; i < pendingMarketData.size(); i++) {
            output.collect(MARKET_DATA, new StreamRecord<>(pendingMarketData.get(i), currentTimestamp));
        }
        dropPending();
    }

    /** Order-to-event latency of the current command, as its first event leaves. */
    private void noteLatency() {
        orderToEventLatency.update((System.currentTimeMillis() - currentTimestamp) * 1000);
    }

    /** After a command that may have changed the symbol's status (SYMBOL commands and quarantines). */
    private void noteStatus(SymbolBook book) {
        io.spotmatch.book.SymbolSpec spec = book.book().spec();
        if (spec != null && spec.status() == SymbolStatus.HALTED) {
            halted.add(book.symbol());
        } else {
            halted.remove(book.symbol());
        }
        haltedCount = halted.size();
    }

    private void dropPending() {
        pendingEvents.clear();
        pendingTrades.clear();
        pendingOrders.clear();
        pendingMovements.clear();
        pendingMarketData.clear();
    }

    private SymbolBook restore(String symbol, BookHeader h) throws Exception {
        List<RestingOrder> orders = new ArrayList<>();
        for (RestingOrder o : resting.values()) {
            orders.add(o);
        }
        SymbolBook book = SymbolBook.restore(
                symbol, h, limits.value(), recentClientOrderIds.value(), orders, engines.apply(symbol));
        if (settlement) {
            book.settle();
        }
        return book.publish(marketDataOptions, marketDataOptions.any() ? marketDataState.value() : null);
    }

    /** In-memory books (listed symbols seen by this subtask); for tests. */
    int booksInMemory() {
        return books.size();
    }

    /** The haltedSymbols gauge; for tests. */
    int haltedSymbols() {
        return haltedCount;
    }

    /** The in-memory book of a symbol, or null; for tests. */
    SymbolBook bookOf(String symbol) {
        return books.get(symbol);
    }

    /** Runs for every checkpoint and savepoint right before the keyed state backend is snapshotted. */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        long start = System.nanoTime();
        flush();
        bookFlushDuration.update((System.nanoTime() - start) / 1000);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() throws Exception {
        for (SymbolBook book : dirty) {
            setCurrentKey(book.symbol());
            book.flush(stateWriter);
        }
        dirty.clear();
    }
}
