package io.spotmatch.flink;

import io.spotmatch.book.CancelReason;
import io.spotmatch.book.Command;
import io.spotmatch.book.EventSink;
import io.spotmatch.book.HeapOrderBook;
import io.spotmatch.book.Order;
import io.spotmatch.book.OrderBook;
import io.spotmatch.book.RejectReason;
import io.spotmatch.book.SymbolSpec;
import io.spotmatch.ledger.Holds;
import io.spotmatch.ledger.Movement;
import io.spotmatch.marketdata.MarketData;
import io.spotmatch.marketdata.MarketDataOptions;
import io.spotmatch.marketdata.MarketDataState;
import io.spotmatch.marketdata.SymbolMarketData;
import io.spotmatch.wire.EventJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One symbol's book inside the job: runs commands through the engine, turns its callbacks into
 * order events, trade rows and order rows, and remembers which resting orders changed since the
 * last checkpoint so only those are written to keyed state. Plain Java: the operator owns the
 * Flink side.
 */
public final class SymbolBook implements EventSink {

    /** Where a book's output goes. */
    public interface Outputs {
        void event(OrderEvent event);

        void trade(TradeRow row);

        void order(OrderRow row);

        /** A balance movement (settlement on only). */
        default void movement(Movement movement) {}

        /** A market-data message (market data on only). */
        default void marketData(MarketData message) {}
    }

    private final String symbol;
    private final OrderBook book;
    private final StringBuilder json = new StringBuilder(512);
    /** Null when settlement is off. */
    private Holds holds;

    private final Holds.Sink movements = m -> this.out.movement(m);
    // ---- market data ----
    /** Null when every market-data stream is off. */
    private SymbolMarketData marketData;

    private final SymbolMarketData.Sink marketDataSink = m -> this.out.marketData(m);
    // ---- end of market data ----
    private int sourcePartition = -1;
    private boolean severalPartitions;
    private int adminPartition = -1;
    private long adminOffset = -1;
    /** Whether the ledger holds every resting order's funds ({@link BookHeader#ordersHeld}). */
    private boolean ordersHeld;

    // Changes since the last flush to keyed state.
    private boolean headerDirty;
    /** The limits in keyed state (null: none): written again only when they differ. */
    private BookLimits limitsStored;
    /** The engine's version of its recent client order ids when they were last written (or restored). */
    private long recentStoredVersion;

    /** Resting orders to write; a null value means delete. */
    private final Map<Long, RestingOrder> dirtyOrders = new HashMap<>();
    /** Orders accepted since the last flush: if they leave before it, state never hears of them. */
    private final Set<Long> bornSinceFlush = new HashSet<>();

    // The command being processed.
    private Outputs out;
    private long time;
    /** The order the command is about (new, amended or cancelled); the makers it met go in {@link #others}. */
    private Order subject;

    private long subjectSeq;
    private CancelReason subjectCancel;
    private final List<Touched> others = new ArrayList<>();
    private int othersUsed;

    private static final class Touched {
        Order order;
        long seq;
        CancelReason cancel;
    }

    // What the command being processed may change, as it was before: if the engine fails half way,
    // this and the unchanged dirty maps are the state before the command.
    private SymbolSpec specBefore;
    private long seqBefore;
    private long lastTradeIdBefore;
    private long lastOrderIdBefore;
    private boolean ordersHeldBefore;
    private long lastTradePriceBefore;

    public SymbolBook(String symbol) {
        this(symbol, new HeapOrderBook());
    }

    /** A book on the given (empty) engine; tests hand in an engine that fails on purpose. */
    public SymbolBook(String symbol, OrderBook book) {
        this.symbol = symbol;
        this.book = book;
    }

    /**
     * A book rebuilt from keyed state; {@code limits} and {@code recent} null when none are stored (a
     * savepoint from before them, or nothing to store).
     */
    public static SymbolBook restore(
            String symbol,
            BookHeader header,
            BookLimits limits,
            RecentClientOrderIds recent,
            List<RestingOrder> resting) {
        return restore(symbol, header, limits, recent, resting, new HeapOrderBook());
    }

    /** A book rebuilt from keyed state into the given (empty) engine. */
    public static SymbolBook restore(
            String symbol,
            BookHeader header,
            BookLimits limits,
            RecentClientOrderIds recent,
            List<RestingOrder> resting,
            OrderBook into) {
        SymbolBook b = new SymbolBook(symbol, into);
        List<Order> orders = new ArrayList<>(resting.size());
        for (RestingOrder r : resting) {
            orders.add(r.toOrder());
        }
        SymbolSpec spec = header.symbolSpec();
        if (spec != null && limits != null) {
            spec = SymbolSpec.apply(null, limits.applyTo(header.spec()));
            if (spec == null) {
                throw new IllegalStateException("stored limits no longer valid: " + limits);
            }
        }
        long lastTradePrice = limits == null ? 0 : limits.lastTradePrice();
        b.book.restore(
                spec,
                header.seq(),
                header.lastTradeId(),
                header.lastOrderId(),
                lastTradePrice,
                orders,
                recent == null ? List.of() : recent.ids());
        b.limitsStored = BookLimits.of(b.book);
        b.recentStoredVersion = b.book.recentClientOrderIdsVersion();
        b.sourcePartition = header.sourcePartition();
        b.severalPartitions = header.severalPartitions();
        b.adminPartition = header.adminPartition();
        b.adminOffset = header.adminOffset();
        b.ordersHeld = header.ordersHeld();
        return b;
    }

    /** Turns settlement on: from now on the book's callbacks also produce balance movements. */
    public SymbolBook settle() {
        holds = new Holds(symbol, book.spec());
        return this;
    }

    // ---- market data ----
    /**
     * Turns market data on, carrying on from its keyed state (null: none stored yet). Call after the
     * book is restored: the last published best bid and offer is the restored book's top.
     */
    public SymbolBook publish(MarketDataOptions options, MarketDataState state) {
        if (options.any()) {
            marketData = new SymbolMarketData(symbol, options);
            marketData.restore(state, book);
        }
        return this;
    }

    /** The market data to write to keyed state, or null if it did not change since the last flush. */
    public MarketDataState marketDataToFlush() {
        if (marketData == null || !marketData.isDirty()) {
            return null;
        }
        marketData.flushed();
        return marketData.state();
    }
    // ---- end of market data ----

    public String symbol() {
        return symbol;
    }

    public OrderBook book() {
        return book;
    }

    /** The Kafka partition of the orders topic this symbol is bound to, -1 before its first command. */
    public int sourcePartition() {
        return sourcePartition;
    }

    /**
     * Whether a command from this Kafka partition may reach the book. The first partition binds
     * the symbol: a symbol's commands are in one order only if they all come from one partition.
     */
    public boolean admits(int partition) {
        if (sourcePartition == partition) {
            return true;
        }
        if (sourcePartition < 0) {
            sourcePartition = partition;
            headerDirty = true;
            return true;
        }
        return false;
    }

    /**
     * Notes the admin-topic position of a relayed admin command. The relay is at-least-once, so the
     * same position can reach the orders topic twice; only its first copy is applied. A position on
     * another admin partition than the last one is applied (the admin topic gained partitions and
     * the symbol moved): comparing across partitions would drop its commands for good.
     *
     * @return false if this position, or a later one of the same partition, was applied already
     */
    public boolean noteAdminSource(int partition, long offset) {
        if (partition == adminPartition && offset <= adminOffset) {
            return false;
        }
        adminPartition = partition;
        adminOffset = offset;
        headerDirty = true;
        return true;
    }

    /**
     * Runs one command. If the engine throws, the book in memory is broken and must be dropped;
     * {@link #rollBack} then writes the state as it was before the command.
     */
    public void process(Command command, long timestamp, Outputs outputs) {
        this.out = outputs;
        this.time = timestamp;
        subject = null;
        othersUsed = 0;
        specBefore = book.spec();
        seqBefore = book.seq();
        lastTradeIdBefore = book.lastTradeId();
        lastOrderIdBefore = book.lastOrderId();
        ordersHeldBefore = ordersHeld;
        if (ordersHeld != (holds != null)) {
            migrateHolds();
        }
        lastTradePriceBefore = book.lastTradePrice();
        if (marketData != null) {
            marketData.begin(timestamp, specBefore, marketDataSink);
        }
        book.process(command, timestamp, this);
        if (marketData != null) {
            marketData.end(
                    book,
                    seqBefore + 1,
                    book.seq(),
                    specBefore == null && book.spec() != null,
                    timestamp,
                    marketDataSink);
        }
        // Rows first, state second: a failure while building a row leaves the dirty maps as before the command.
        if (subject != null) {
            orderRow(subject, subjectSeq, subjectCancel);
        }
        for (int i = 0; i < othersUsed; i++) {
            Touched t = others.get(i);
            orderRow(t.order, t.seq, t.cancel);
        }
        if (book.seq() != seqBefore) {
            headerDirty = true;
        }
        if (subject != null) {
            track(subject);
        }
        for (int i = 0; i < othersUsed; i++) {
            Touched t = others.get(i);
            track(t.order);
            t.order = null;
        }
        subject = null;
        out = null;
    }

    /**
     * Settlement was turned on or off since the book's orders were last held or not. On: before the
     * command, every resting order is held as if it had been accepted with settlement on, with the
     * book's current seq as the cause (that event was processed without settlement, so it has no
     * movements of its own). Off: the ledger no longer follows the book, so the orders count as not held.
     */
    private void migrateHolds() {
        if (holds != null) {
            holds.holdResting(book.seq(), book, movements);
        }
        ordersHeld = holds != null;
        headerDirty = true;
    }

    /**
     * After {@link #process} threw: writes the symbol's state as it was before that command (what
     * earlier commands changed since the last flush, and the counters and spec from before it), so
     * the book can be rebuilt from keyed state without any trace of the failed command.
     *
     * @return false if the symbol has no state to write (it was never listed nor stored)
     */
    public boolean rollBack(StateWriter writer) throws Exception {
        boolean stored = specBefore != null || seqBefore != 0;
        if (stored) {
            writer.header(new BookHeader(
                    BookHeader.headerSpec(specBefore),
                    seqBefore,
                    lastTradeIdBefore,
                    lastOrderIdBefore,
                    sourcePartition,
                    severalPartitions,
                    adminPartition,
                    adminOffset,
                    ordersHeldBefore));
            BookLimits limits = BookLimits.of(specBefore, lastTradePriceBefore);
            if (limits != null) {
                writer.limits(limits);
            }
            limitsStored = limits;
            writer.recentClientOrderIds(new RecentClientOrderIds(book.recentClientOrderIdsBeforeCommand()));
            writeOrders(writer);
            if (marketData != null) {
                writer.marketData(marketData.stateBeforeCommand());
            }
        }
        headerDirty = false;
        dirtyOrders.clear();
        bornSinceFlush.clear();
        return stored;
    }

    /** After a command: one order row per order it changed. */
    private void orderRow(Order o, long seq, CancelReason cancel) {
        SymbolSpec s = book.spec();
        out.order(new OrderRow(
                symbol,
                o.orderId(),
                o.userId(),
                o.side(),
                o.type(),
                o.timeInForce(),
                o.stp(),
                o.price() == 0 ? null : price(s, o.price()),
                o.quoteQuantity() != 0 ? null : qty(s, o.quantity()),
                o.quoteQuantity() != 0 ? quote(s, o.quoteQuantity()) : null,
                o.status(),
                qty(s, o.filled()),
                quote(s, o.filledQuote()),
                quote(s, o.fees()),
                cancel,
                seq,
                time,
                time,
                o.clientOrderId(),
                o.expireTime() == 0 ? null : o.expireTime(),
                o.stopPrice() == 0 ? null : price(s, o.stopPrice())));
    }

    /** After a command: the changed order's place in state. */
    private void track(Order o) {
        long id = o.orderId();
        if (o.status().isOpen()) {
            dirtyOrders.put(id, RestingOrder.of(o));
        } else if (bornSinceFlush.remove(id)) {
            dirtyOrders.remove(id);
        } else {
            dirtyOrders.put(id, null);
        }
    }

    private void touch(Order o, long seq, CancelReason cancel) {
        if (o == subject) {
            subjectSeq = seq;
            if (cancel != null) {
                subjectCancel = cancel;
            }
            return;
        }
        if (othersUsed == others.size()) {
            others.add(new Touched());
        }
        Touched t = others.get(othersUsed++);
        t.order = o;
        t.seq = seq;
        t.cancel = cancel;
    }

    private void becomeSubject(Order o, long seq) {
        subject = o;
        subjectSeq = seq;
        subjectCancel = null;
    }

    private void emit(long seq) {
        out.event(new OrderEvent(symbol, seq, EventJson.bytes(json)));
    }

    @Override
    public void accepted(long seq, Order o) {
        if (subject != null && subject != o) {
            // An OCO's second leg: the first one is tracked from here like any other touched order.
            Order first = subject;
            subject = null;
            touch(first, subjectSeq, subjectCancel);
        }
        becomeSubject(o, seq);
        bornSinceFlush.add(o.orderId());
        EventJson.accepted(json, symbol, seq, time, book.spec(), o);
        emit(seq);
        if (holds != null) {
            holds.accepted(seq, o, movements);
        }
    }

    @Override
    public void trade(
            long seq,
            long tradeId,
            Order taker,
            Order maker,
            long price,
            long quantity,
            long quoteQuantity,
            long takerFee,
            long makerFee) {
        SymbolSpec s = book.spec();
        EventJson.trade(
                json, symbol, seq, time, s, tradeId, taker, maker, price, quantity, quoteQuantity, takerFee, makerFee);
        emit(seq);
        out.trade(new TradeRow(
                symbol,
                tradeId,
                seq,
                price(s, price),
                qty(s, quantity),
                quote(s, quoteQuantity),
                taker.side(),
                taker.orderId(),
                taker.userId(),
                maker.orderId(),
                maker.userId(),
                quote(s, takerFee),
                quote(s, makerFee),
                s.quoteAsset(),
                time));
        touch(taker, seq, null);
        touch(maker, seq, null);
        if (marketData != null) {
            marketData.trade(seq, tradeId, taker.side(), price, quantity, quoteQuantity, time, s, marketDataSink);
        }
        if (holds != null) {
            holds.trade(seq, taker, maker, quantity, quoteQuantity, takerFee, makerFee, movements);
        }
    }

    @Override
    public void cancelled(long seq, Order o, CancelReason reason) {
        if (subject == null && reason == CancelReason.USER) {
            becomeSubject(o, seq);
        }
        touch(o, seq, reason);
        EventJson.cancelled(json, symbol, seq, time, book.spec(), o, reason);
        emit(seq);
        if (holds != null) {
            holds.cancelled(seq, o, movements);
        }
    }

    @Override
    public void cancelledAll(long seq, long userId, int count) {
        EventJson.cancelledAll(json, symbol, seq, time, userId, count);
        emit(seq);
    }

    @Override
    public void amended(long seq, Order o, long previousPrice, long previousQuantity, boolean priorityKept) {
        becomeSubject(o, seq);
        EventJson.amended(json, symbol, seq, time, book.spec(), o, previousPrice, previousQuantity, priorityKept);
        emit(seq);
        if (holds != null) {
            holds.amended(seq, o, previousPrice, previousQuantity, movements);
        }
    }

    @Override
    public void decremented(long seq, Order o, long previousQuantity, long previousQuoteQuantity) {
        touch(o, seq, null);
        EventJson.decremented(json, symbol, seq, time, book.spec(), o, previousQuantity, previousQuoteQuantity);
        emit(seq);
        if (holds != null) {
            holds.decremented(seq, o, previousQuantity, previousQuoteQuantity, movements);
        }
    }

    @Override
    public void triggered(long seq, Order o) {
        touch(o, seq, null);
        EventJson.triggered(json, symbol, seq, time, book.spec(), o, book.lastTradePrice());
        emit(seq);
        // A stop order already holds what the order it became holds: nothing moves.
    }

    @Override
    public void rejected(long seq, Command command, RejectReason reason) {
        EventJson.rejected(json, symbol, seq, time, command, reason);
        emit(seq);
    }

    @Override
    public void symbolUpdated(long seq, SymbolSpec spec) {
        EventJson.symbolUpdated(json, symbol, seq, time, spec);
        emit(seq);
        if (holds != null) {
            holds.symbolUpdated(seq, spec, book, movements);
        }
    }

    private static BigDecimal price(SymbolSpec s, long ticks) {
        return s.ticksToDecimal(ticks).toBigDecimal();
    }

    private static BigDecimal qty(SymbolSpec s, long lots) {
        return s.lotsToDecimal(lots).toBigDecimal();
    }

    private static BigDecimal quote(SymbolSpec s, long units) {
        return s.notionalToDecimal(units).toBigDecimal();
    }

    // ---- Flushing to keyed state ----

    public boolean isDirty() {
        return headerDirty || !dirtyOrders.isEmpty() || marketData != null && marketData.isDirty();
    }

    /** Receives the changes since the last flush. */
    public interface StateWriter {
        void header(BookHeader header) throws Exception;

        void put(RestingOrder order) throws Exception;

        void remove(long orderId) throws Exception;

        /** The symbol's order limits and last trade price. */
        void limits(BookLimits limits) throws Exception;

        /** The client order ids of the symbol's recently closed orders. */
        void recentClientOrderIds(RecentClientOrderIds ids) throws Exception;

        /** The symbol's market-data state (market data on only). */
        default void marketData(MarketDataState state) throws Exception {}
    }

    /** Orders changed since the last flush (placed, changed or gone). */
    public int changedOrders() {
        return dirtyOrders.size();
    }

    /** Writes what changed since the last flush and forgets it. Write order does not matter: keys differ. */
    public void flush(StateWriter writer) throws Exception {
        if (headerDirty) {
            writer.header(
                    BookHeader.of(book, sourcePartition, severalPartitions, adminPartition, adminOffset, ordersHeld));
            headerDirty = false;
            BookLimits limits = BookLimits.of(book);
            if (limits != null && !limits.equals(limitsStored)) {
                writer.limits(limits);
                limitsStored = limits;
            }
        }
        if (book.recentClientOrderIdsVersion() != recentStoredVersion) {
            writer.recentClientOrderIds(new RecentClientOrderIds(book.recentClientOrderIds()));
            recentStoredVersion = book.recentClientOrderIdsVersion();
        }
        writeOrders(writer);
        dirtyOrders.clear();
        bornSinceFlush.clear();
        MarketDataState md = marketDataToFlush();
        if (md != null) {
            writer.marketData(md);
        }
    }

    private void writeOrders(StateWriter writer) throws Exception {
        for (Map.Entry<Long, RestingOrder> e : dirtyOrders.entrySet()) {
            if (e.getValue() == null) {
                writer.remove(e.getKey());
            } else {
                writer.put(e.getValue());
            }
        }
    }

    @Override
    public String toString() {
        return "SymbolBook{" + symbol + ", " + book.openOrderCount() + " open, seq " + book.seq() + "}";
    }
}
