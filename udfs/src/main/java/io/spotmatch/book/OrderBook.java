package io.spotmatch.book;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * One symbol's matching engine: its spec, its counters and its book. Commands are processed
 * strictly one after the other; the same commands always produce the same events.
 *
 * <p>This class owns everything both book implementations must agree on and do not need to
 * implement twice: validation, sequence numbers, trade ids, fees, the order lifecycle and the
 * rules of each order type. The subclasses own the book and the matching walk over it:
 * {@link HeapOrderBook} is the fast one, {@link ReferenceOrderBook} the obviously correct one,
 * and the contract tests check that both give identical events.
 */
public abstract class OrderBook {

    /**
     * The highest order id a symbol accepts: 2^53 - 1, so every id is exact in a JavaScript number
     * (and a double) anywhere downstream, and an id near 2^63 cannot end the id space at once.
     */
    public static final long MAX_ORDER_ID = (1L << 53) - 1;

    /**
     * The largest step above the symbol's highest accepted id (0 before its first order) a NEW may
     * take: ids must rise, so one wild id would otherwise use up the rest of the id space. With
     * 2^50, at least seven such ids must be accepted before a symbol runs out, and a gateway's first
     * id on a symbol may be anything up to 2^50 (35 years of one million orders a second).
     */
    public static final long MAX_ORDER_ID_STEP = 1L << 50;

    /**
     * How many client order ids of closed orders a symbol remembers (the most recently closed): a NEW
     * repeating one of them, or one of an open order, is a duplicate. A bound on the state they cost.
     */
    public static final int RECENT_CLIENT_ORDER_IDS = 1024;

    private SymbolSpec spec;
    private long seq;
    private long lastTradeId;
    private long lastOrderId;
    /** Price of the symbol's last trade in ticks, 0 before the first: the price band's reference. */
    private long lastTradePrice;
    /** The last trade price before the command being processed: the price band's reference all through it. */
    private long bandReference;

    private EventSink sink;

    /** Open orders with a client order id, by {@link ClientOrderId#key}. */
    private final HashMap<String, Order> openByClientId = new HashMap<>();
    /** Keys of the last {@link #RECENT_CLIENT_ORDER_IDS} closed orders with a client order id, oldest first. */
    private final LinkedHashSet<String> recentClientIds = new LinkedHashSet<>();
    /** Undo log of the current command's changes to the recent ids, for {@link #recentClientOrderIdsBeforeCommand}. */
    private int recentAddedInCommand;

    private final List<String> recentEvictedInCommand = new ArrayList<>();
    private long recentVersion;

    /** The time of the command being processed (epoch ms); Long.MIN_VALUE when it has none. */
    private long commandTime;

    /** Processes one command without a time: it expires nothing. */
    public final void process(Command c, EventSink sink) {
        process(c, Long.MIN_VALUE, sink);
    }

    /**
     * Processes one command at {@code time} (its Kafka timestamp, epoch ms); events go to {@code
     * sink} before this returns. Before the command itself, unless the symbol is HALTED, every GTD
     * order whose expireTime is not after {@code time} is cancelled EXPIRED, earliest expireTime
     * first (then lowest order id): so the same commands expire the same orders at the same point.
     */
    public final void process(Command c, long time, EventSink sink) {
        this.sink = sink;
        commandTime = time;
        recentAddedInCommand = 0;
        if (!recentEvictedInCommand.isEmpty()) {
            recentEvictedInCommand.clear();
        }
        bandReference = lastTradePrice;
        startCommand();
        if (spec != null && spec.status() != SymbolStatus.HALTED) {
            for (Order o = firstExpired(time); o != null; o = firstExpired(time)) {
                remove(o);
                finish(o, CancelReason.EXPIRED);
            }
        }
        switch (c.type()) {
            case NEW -> onNew(c);
            case CANCEL -> onCancel(c);
            case AMEND -> onAmend(c);
            case CANCEL_ALL -> onCancelAll(c);
            case SYMBOL -> onSymbol(c);
        }
        triggerStops();
    }

    private void onNew(Command c) {
        SymbolSpec s = spec;
        if (!tradable(c, s)) {
            return;
        }
        // Without an order id the engine numbers the order: the next id after the highest accepted.
        long orderId = c.orderId() == 0 ? lastOrderId + 1 : c.orderId();
        if (orderId <= lastOrderId) {
            reject(c, RejectReason.DUPLICATE_ORDER_ID);
            return;
        }
        if (orderId > MAX_ORDER_ID || orderId - lastOrderId > MAX_ORDER_ID_STEP) {
            reject(c, RejectReason.ORDER_ID_OUT_OF_RANGE);
            return;
        }
        String clientKey = null;
        if (c.clientOrderId() != null) {
            if (!Command.isValidClientOrderId(c.clientOrderId())) {
                reject(c, RejectReason.INVALID_ORDER);
                return;
            }
            clientKey = ClientOrderId.key(c.userId(), c.clientOrderId());
            if (openByClientId.containsKey(clientKey) || recentClientIds.contains(clientKey)) {
                reject(c, RejectReason.DUPLICATE_CLIENT_ORDER_ID);
                return;
            }
        }
        OrderType type = c.orderType();
        if (type == OrderType.OCO) {
            onNewOco(c, s, orderId, clientKey);
            return;
        }
        // A stop order is checked as the order it becomes, and for its stop price.
        boolean stop = type.isStop();
        OrderType becomes = stop ? type.triggered() : type;
        TimeInForce tif = c.timeInForce() != null
                ? c.timeInForce()
                : becomes == OrderType.MARKET ? TimeInForce.IOC : TimeInForce.GTC;
        long price = 0;
        long qty = 0;
        long quote = 0;
        long stopPrice = 0;
        if (stop) {
            if (tif == TimeInForce.GTD || c.quoteQuantity() != null) {
                reject(c, RejectReason.INVALID_ORDER);
                return;
            }
            stopPrice = c.stopPrice() == null ? -1 : s.ticksOf(c.stopPrice());
            if (stopPrice < 0) {
                reject(c, RejectReason.INVALID_PRICE);
                return;
            }
        } else if (c.stopPrice() != null) {
            reject(c, RejectReason.INVALID_ORDER);
            return;
        }
        if (becomes == OrderType.MARKET) {
            if (tif != TimeInForce.IOC || c.price() != null) {
                reject(c, RejectReason.INVALID_ORDER);
                return;
            }
            if (c.quoteQuantity() != null) {
                if (c.quantity() != null) {
                    reject(c, RejectReason.INVALID_ORDER);
                    return;
                }
                quote = s.notionalUnitsOf(c.quoteQuantity());
                if (quote < 0) {
                    reject(c, RejectReason.INVALID_QUANTITY);
                    return;
                }
                if (quote < s.minNotionalUnits()) {
                    reject(c, RejectReason.MIN_NOTIONAL);
                    return;
                }
                if (quote > s.maxOrderNotionalUnits()) {
                    reject(c, RejectReason.MAX_NOTIONAL);
                    return;
                }
                // A sell by quote amount sells at most marketMaxQty: the bound of what it holds (see affordableLots).
                qty = c.side() == Side.SELL ? s.marketMaxQtyLots() : 0;
            } else {
                qty = c.quantity() == null ? -1 : s.lotsOf(c.quantity());
                if (qty < s.minQtyLots()) {
                    reject(c, RejectReason.INVALID_QUANTITY);
                    return;
                }
                if (qty > s.marketMaxQtyLots()) {
                    reject(c, RejectReason.MARKET_LOT_SIZE);
                    return;
                }
            }
        } else {
            if (type == OrderType.LIMIT_MAKER && tif != TimeInForce.GTC && tif != TimeInForce.GTD
                    || c.quoteQuantity() != null) {
                reject(c, RejectReason.INVALID_ORDER);
                return;
            }
            price = c.price() == null ? -1 : s.ticksOf(c.price());
            if (price < 0) {
                reject(c, RejectReason.INVALID_PRICE);
                return;
            }
            qty = c.quantity() == null ? -1 : s.lotsOf(c.quantity());
            if (qty < s.minQtyLots()) {
                reject(c, RejectReason.INVALID_QUANTITY);
                return;
            }
            if (s.notional(price, qty) < s.minNotionalUnits()) {
                reject(c, RejectReason.MIN_NOTIONAL);
                return;
            }
            if (s.notional(price, qty) > s.maxOrderNotionalUnits()) {
                reject(c, RejectReason.MAX_NOTIONAL);
                return;
            }
            if (!inBand(s, price)) {
                reject(c, RejectReason.PRICE_OUT_OF_BAND);
                return;
            }
        }
        long display = c.icebergQuantity() == null ? 0 : icebergLots(c, s, type, tif, qty);
        if (display < 0) {
            reject(c, RejectReason.INVALID_ICEBERG);
            return;
        }
        // Orders that can rest, and stop orders (which wait), count towards maxOpenOrders.
        if ((stop || tif == TimeInForce.GTC || tif == TimeInForce.GTD)
                && s.maxOpenOrdersCount() > 0
                && atOpenOrderLimit(c.userId(), s.maxOpenOrdersCount())) {
            reject(c, RejectReason.MAX_OPEN_ORDERS);
            return;
        }

        if (tif == TimeInForce.GTD ? c.expireTime() <= 0 || c.expireTime() <= commandTime : c.expireTime() != 0) {
            reject(c, RejectReason.INVALID_EXPIRE_TIME);
            return;
        }

        if (stop && reached(c.side(), type, stopPrice)) {
            reject(c, RejectReason.STOP_WOULD_TRIGGER);
            return;
        }

        lastOrderId = orderId;
        Order o = place(c, orderId, type, tif, price, qty, quote, stopPrice, clientKey);
        o.displayQty = display;
        sink.accepted(o.priority, o);
        if (stop) {
            addStop(o);
        } else {
            execute(o);
        }
    }

    /**
     * The display quantity of an iceberg NEW in lots, or -1 when it cannot be one: an iceberg is a
     * LIMIT or LIMIT_MAKER order that can rest (GTC or GTD) showing a positive multiple of the step,
     * at least minQty and strictly less than its quantity.
     */
    private static long icebergLots(Command c, SymbolSpec s, OrderType type, TimeInForce tif, long qty) {
        if (type != OrderType.LIMIT && type != OrderType.LIMIT_MAKER
                || tif != TimeInForce.GTC && tif != TimeInForce.GTD) {
            return -1;
        }
        long display = s.lotsOf(c.icebergQuantity());
        return display <= 0 || display < s.minQtyLots() || display >= qty ? -1 : display;
    }

    /** A new order of the command, with the next priority; its ACCEPTED event is the caller's. */
    private Order place(
            Command c,
            long orderId,
            OrderType type,
            TimeInForce tif,
            long price,
            long qty,
            long quote,
            long stopPrice,
            String clientKey) {
        Order o = newOrder();
        o.expireTime = c.expireTime();
        o.stopPrice = stopPrice;
        o.orderId = orderId;
        o.clientOrderId = clientKey == null ? null : c.clientOrderId();
        o.clientKey = clientKey;
        if (clientKey != null) {
            openByClientId.put(clientKey, o);
        }
        o.userId = c.userId();
        o.side = c.side();
        o.type = type;
        o.timeInForce = tif;
        o.stp = c.stp() != null ? c.stp() : spec.defaultStp();
        o.price = price;
        o.quantity = qty;
        o.quoteQuantity = quote;
        o.filled = 0;
        o.filledQuote = 0;
        o.fees = 0;
        o.feeRemainder = 0;
        o.ocoOrderId = 0;
        o.ocoLeg = null;
        o.displayQty = 0;
        o.visible = 0;
        o.status = OrderStatus.NEW;
        o.priority = ++seq;
        return o;
    }

    // ---- OCO: a limit leg and a stop leg, one cancels the other ----

    /**
     * An OCO NEW: a LIMIT GTC leg at {@code price} (the command's order id and client order id) and a
     * STOP_LOSS leg at {@code stopPrice}, or a STOP_LOSS_LIMIT GTC leg at {@code stopLimitPrice} when
     * given (the next order id), both of {@code quantity}. Each leg is checked as the order it is;
     * any failure rejects the whole command. Both are ACCEPTED (limit leg first), the stop leg waits,
     * then the limit leg executes like any limit order: its first fill cancels the stop leg.
     */
    private void onNewOco(Command c, SymbolSpec s, long orderId, String clientKey) {
        if (orderId + 1 > MAX_ORDER_ID) {
            reject(c, RejectReason.ORDER_ID_OUT_OF_RANGE);
            return;
        }
        if (c.icebergQuantity() != null) {
            reject(c, RejectReason.INVALID_ICEBERG); // neither leg can be an iceberg
            return;
        }
        if (c.timeInForce() != null && c.timeInForce() != TimeInForce.GTC || c.quoteQuantity() != null) {
            reject(c, RejectReason.INVALID_ORDER);
            return;
        }
        long price = c.price() == null ? -1 : s.ticksOf(c.price());
        long stopPrice = c.stopPrice() == null ? -1 : s.ticksOf(c.stopPrice());
        long stopLimit = c.stopLimitPrice() == null ? 0 : s.ticksOf(c.stopLimitPrice());
        if (price < 0 || stopPrice < 0 || stopLimit < 0) {
            reject(c, RejectReason.INVALID_PRICE);
            return;
        }
        long qty = c.quantity() == null ? -1 : s.lotsOf(c.quantity());
        if (qty < s.minQtyLots()) {
            reject(c, RejectReason.INVALID_QUANTITY);
            return;
        }
        for (long p : new long[] {price, stopLimit}) {
            if (p == 0) {
                continue; // a STOP_LOSS leg: no price to check
            }
            if (s.notional(p, qty) < s.minNotionalUnits()) {
                reject(c, RejectReason.MIN_NOTIONAL);
                return;
            }
            if (s.notional(p, qty) > s.maxOrderNotionalUnits()) {
                reject(c, RejectReason.MAX_NOTIONAL);
                return;
            }
            if (!inBand(s, p)) {
                reject(c, RejectReason.PRICE_OUT_OF_BAND);
                return;
            }
        }
        if (stopLimit == 0 && qty > s.marketMaxQtyLots()) {
            reject(c, RejectReason.MARKET_LOT_SIZE);
            return;
        }
        // Two open orders: the user must have room for both.
        if (s.maxOpenOrdersCount() > 0 && atOpenOrderLimit(c.userId(), s.maxOpenOrdersCount() - 1)) {
            reject(c, RejectReason.MAX_OPEN_ORDERS);
            return;
        }
        if (c.expireTime() != 0) {
            reject(c, RejectReason.INVALID_EXPIRE_TIME);
            return;
        }
        OrderType stopType = stopLimit == 0 ? OrderType.STOP_LOSS : OrderType.STOP_LOSS_LIMIT;
        if (reached(c.side(), stopType, stopPrice)) {
            reject(c, RejectReason.STOP_WOULD_TRIGGER);
            return;
        }
        lastOrderId = orderId + 1;
        TimeInForce stopTif = stopLimit == 0 ? TimeInForce.IOC : TimeInForce.GTC;
        Order limit = place(c, orderId, OrderType.LIMIT, TimeInForce.GTC, price, qty, 0, 0, clientKey);
        Order stop = place(c, orderId + 1, stopType, stopTif, stopLimit, qty, 0, stopPrice, null);
        limit.ocoLeg = stop;
        limit.ocoOrderId = stop.orderId;
        stop.ocoLeg = limit;
        stop.ocoOrderId = limit.orderId;
        sink.accepted(limit.priority, limit);
        sink.accepted(stop.priority, stop);
        addStop(stop);
        execute(limit);
    }

    /** The OCO leg {@code o} fills, is lowered or triggers: its other leg is cancelled first (reason OCO). */
    private void cancelOtherLeg(Order o) {
        Order other = o.ocoLeg;
        takeOut(other);
        finish(other, CancelReason.OCO);
    }

    // ---- Stop orders: waiting outside the book, ordered by stop price ----

    /**
     * The most stop orders one command triggers: a trade of a triggered order may trigger more, and
     * the cascade stops here; the rest trigger after the next command (in the same order).
     */
    public static final int MAX_TRIGGERS_PER_COMMAND = 64;

    /** Buy stop-losses and sell take-profits: trigger when the last price rises to their stop; lowest first. */
    private final TreeSet<Order> risingStops =
            new TreeSet<>(Comparator.comparingLong((Order o) -> o.stopPrice).thenComparingLong(o -> o.priority));
    /** Sell stop-losses and buy take-profits: trigger when the last price falls to their stop; highest first. */
    private final TreeSet<Order> fallingStops =
            new TreeSet<>(Comparator.comparingLong((Order o) -> -o.stopPrice).thenComparingLong(o -> o.priority));

    private final HashMap<Long, Order> stopsById = new HashMap<>();
    private final HashMap<Long, Integer> stopsPerUser = new HashMap<>();

    private static boolean rises(Side side, OrderType type) {
        boolean stopLoss = type == OrderType.STOP_LOSS || type == OrderType.STOP_LOSS_LIMIT;
        return side == Side.BUY == stopLoss;
    }

    /** Whether the last trade price has reached a stop order's stop price (never before the first trade). */
    private boolean reached(Side side, OrderType type, long stopPrice) {
        if (lastTradePrice == 0) {
            return false;
        }
        return rises(side, type) ? lastTradePrice >= stopPrice : lastTradePrice <= stopPrice;
    }

    private TreeSet<Order> stopsOf(Order o) {
        return rises(o.side, o.type) ? risingStops : fallingStops;
    }

    private void addStop(Order o) {
        stopsOf(o).add(o);
        stopsById.put(o.orderId, o);
        stopsPerUser.merge(o.userId, 1, Integer::sum);
    }

    private void removeStop(Order o) {
        stopsOf(o).remove(o);
        stopsById.remove(o.orderId);
        stopsPerUser.computeIfPresent(o.userId, (u, n) -> n == 1 ? null : n - 1);
    }

    /** Takes an open order out: a waiting stop out of the stops, any other out of the book. */
    private void takeOut(Order o) {
        if (o.type.isStop()) {
            removeStop(o);
        } else {
            remove(o);
        }
    }

    private boolean atOpenOrderLimit(long userId, int limit) {
        int stops = stopsPerUser.getOrDefault(userId, 0);
        return stops >= limit || hasOpenOrders(userId, limit - stops);
    }

    /**
     * After every command of a TRADING symbol: triggers the waiting stops the last trade price has
     * reached, one at a time, rising ones first (lowest stop price, then earliest), then falling ones
     * (highest stop price, then earliest), re-reading the last price after each; each trades as an
     * incoming order, and its trades may trigger more, up to {@link #MAX_TRIGGERS_PER_COMMAND}.
     */
    private void triggerStops() {
        if (stopsById.isEmpty() || spec.status() != SymbolStatus.TRADING) {
            return;
        }
        for (int n = 0; n < MAX_TRIGGERS_PER_COMMAND; n++) {
            Order o = null;
            if (!risingStops.isEmpty() && lastTradePrice != 0 && risingStops.first().stopPrice <= lastTradePrice) {
                o = risingStops.first();
            } else if (!fallingStops.isEmpty() && fallingStops.first().stopPrice >= lastTradePrice) {
                o = fallingStops.first();
            }
            if (o == null || lastTradePrice == 0) {
                return;
            }
            removeStop(o);
            if (o.ocoLeg != null) {
                cancelOtherLeg(o);
            }
            o.type = o.type.triggered();
            o.priority = ++seq;
            sink.triggered(o.priority, o);
            execute(o);
        }
    }

    /** Every waiting stop order, ascending by order id. */
    public final List<Order> waitingStops() {
        List<Order> stops = new ArrayList<>(stopsById.values());
        stops.sort(Comparator.comparingLong(Order::orderId));
        return stops;
    }

    /** The open orders a CANCEL_ALL or a wipe takes out: book and waiting stops, ascending by id. */
    private List<Order> withStops(List<Order> inBook, long userId, boolean allUsers) {
        if (stopsById.isEmpty()) {
            return inBook;
        }
        List<Order> all = new ArrayList<>(inBook);
        for (Order o : stopsById.values()) {
            if (allUsers || o.userId == userId) {
                all.add(o);
            }
        }
        all.sort(Comparator.comparingLong(Order::orderId));
        return all;
    }

    /** Runs an order that is not in the book (new, or repriced by an AMEND) to its end or into the book. */
    private void execute(Order o) {
        if (o.type == OrderType.LIMIT_MAKER) {
            if (crosses(o)) {
                finish(o, CancelReason.POST_ONLY_WOULD_TRADE);
            } else {
                startSlice(o);
                rest(o);
            }
            return;
        }
        if (o.timeInForce == TimeInForce.FOK && !canFill(o)) {
            finish(o, CancelReason.FOK_NOT_FILLABLE);
            return;
        }
        if (crosses(o) && match(o)) {
            finish(o, CancelReason.SELF_TRADE_PREVENTED);
            return;
        }
        if (o.status == OrderStatus.FILLED) {
            release(o);
        } else if (o.type == OrderType.MARKET) {
            long best = bestPrice(o.side.opposite());
            boolean pastBand = best != 0 && (o.side == Side.BUY ? best > walkLimit(o) : best < walkLimit(o));
            finish(o, pastBand ? CancelReason.PRICE_BAND : CancelReason.MARKET_NO_LIQUIDITY);
        } else if (o.timeInForce == TimeInForce.IOC) {
            finish(o, CancelReason.IOC_REMAINDER);
        } else if (o.timeInForce == TimeInForce.FOK) {
            throw new IllegalStateException("FOK order passed the fill check but did not fill: " + o);
        } else {
            startSlice(o);
            rest(o);
        }
    }

    /** An iceberg about to rest shows its first slice (an incoming iceberg trades its whole quantity). */
    private static void startSlice(Order o) {
        if (o.displayQty != 0) {
            o.visible = Math.min(o.displayQty, o.quantity - o.filled);
        }
    }

    /**
     * A resting iceberg's visible slice filled with lots left: its next slice, and its new time
     * priority, the sequence number of that trade (the last event). The book puts it at the back of
     * its level.
     */
    protected final void refreshSlice(Order maker) {
        maker.visible = Math.min(maker.displayQty, maker.quantity - maker.filled);
        maker.priority = seq;
    }

    /** A resting iceberg's total quantity was lowered: the cut comes out of its reserve; its slice shrinks to fit. */
    protected static void lowerSlice(Order o) {
        if (o.displayQty != 0) {
            o.visible = Math.min(o.visible, o.quantity - o.filled);
        }
    }

    /** A resting order's iceberg fields: an iceberg shows 1 to displayQty lots, no more than it has; others none. */
    protected static void checkSlice(Order o) {
        boolean ok = o.displayQty == 0
                ? o.visible == 0
                : o.visible > 0 && o.visible <= o.displayQty && o.visible <= o.quantity - o.filled;
        if (!ok) {
            throw new IllegalStateException("order " + o.orderId + ": broken iceberg slice " + o);
        }
    }

    private boolean crosses(Order o) {
        long best = bestPrice(o.side.opposite());
        if (best == 0) {
            return false;
        }
        return o.type == OrderType.MARKET || (o.side == Side.BUY ? best <= o.price : best >= o.price);
    }

    private void onCancel(Command c) {
        if (!cancellable(c)) {
            return;
        }
        Order o = target(c);
        if (o == null) {
            reject(c, RejectReason.UNKNOWN_ORDER);
        } else if (o.userId != c.userId()) {
            reject(c, RejectReason.NOT_OWNER);
        } else {
            takeOut(o);
            finish(o, CancelReason.USER);
        }
    }

    private void onCancelAll(Command c) {
        if (!cancellable(c)) {
            return;
        }
        int cancelled = 0;
        for (Order o : withStops(openOrdersOf(c.userId()), c.userId(), false)) {
            if (o.status != OrderStatus.CANCELLED) { // else the other leg of an OCO cancelled before it
                takeOut(o);
                finish(o, CancelReason.CANCEL_ALL);
            }
            cancelled++;
        }
        // Every command says what became of it, even when there was nothing to cancel.
        sink.cancelledAll(++seq, c.userId(), cancelled);
    }

    private void onAmend(Command c) {
        SymbolSpec s = spec;
        if (!tradable(c, s)) {
            return;
        }
        Order o = target(c);
        if (o == null) {
            reject(c, RejectReason.UNKNOWN_ORDER);
            return;
        }
        if (o.userId != c.userId()) {
            reject(c, RejectReason.NOT_OWNER);
            return;
        }
        if (o.ocoLeg != null) {
            reject(c, RejectReason.INVALID_ORDER); // an OCO leg: cancel the OCO and place a new one
            return;
        }
        if (c.icebergQuantity() != null) {
            reject(c, RejectReason.INVALID_ICEBERG); // the display quantity is the order's for life
            return;
        }
        if (o.type.isMarket() && c.price() != null) {
            reject(c, RejectReason.INVALID_ORDER); // a waiting stop market order has no price to change
            return;
        }
        long price = c.price() == null ? o.price : s.ticksOf(c.price());
        if (price < 0) {
            reject(c, RejectReason.INVALID_PRICE);
            return;
        }
        long qty = c.quantity() == null ? o.quantity : s.lotsOf(c.quantity());
        if (qty <= o.filled || qty < s.minQtyLots()) {
            reject(c, RejectReason.INVALID_QUANTITY);
            return;
        }
        if (o.type.isMarket()) {
            if (qty > s.marketMaxQtyLots()) {
                reject(c, RejectReason.MARKET_LOT_SIZE);
                return;
            }
            amendStop(o, price, qty);
            return;
        }
        if (s.notional(price, qty) < s.minNotionalUnits()) {
            reject(c, RejectReason.MIN_NOTIONAL);
            return;
        }
        if (s.notional(price, qty) > s.maxOrderNotionalUnits()) {
            reject(c, RejectReason.MAX_NOTIONAL);
            return;
        }
        if (price != o.price && !inBand(s, price)) {
            reject(c, RejectReason.PRICE_OUT_OF_BAND);
            return;
        }
        if (o.type.isStop()) {
            amendStop(o, price, qty);
            return;
        }
        long previousPrice = o.price;
        long previousQty = o.quantity;
        if (price == previousPrice && qty <= previousQty) {
            reduce(o, qty);
            sink.amended(++seq, o, previousPrice, previousQty, true);
            return;
        }
        // Cancel-replace under the same id: the order goes to the back of its new level and may trade
        // (an iceberg with its whole quantity; it shows a new slice when it rests).
        remove(o);
        o.visible = 0;
        o.price = price;
        o.quantity = qty;
        o.priority = ++seq;
        sink.amended(o.priority, o, previousPrice, previousQty, false);
        execute(o);
    }

    /** A waiting stop order amended: it keeps its place among equal stop prices unless it grew or was repriced. */
    private void amendStop(Order o, long price, long qty) {
        long previousPrice = o.price;
        long previousQty = o.quantity;
        boolean kept = price == previousPrice && qty <= previousQty;
        removeStop(o);
        o.price = price;
        o.quantity = qty;
        if (!kept) {
            o.priority = seq + 1;
        }
        addStop(o);
        sink.amended(++seq, o, previousPrice, previousQty, kept);
    }

    private void onSymbol(Command c) {
        SymbolSpec next = SymbolSpec.apply(spec, c.symbol());
        if (next == null
                || spec != null
                        && (!next.maxPrice().numericallyEquals(spec.maxPrice())
                                || !next.maxQty().numericallyEquals(spec.maxQty()))) {
            reject(c, RejectReason.INVALID_SPEC);
            return;
        }
        spec = next;
        sink.symbolUpdated(++seq, next);
        if (c.symbol().cancelOpenOrders()) {
            for (Order o : withStops(openOrders(), 0, true)) {
                if (o.status != OrderStatus.CANCELLED) { // else the other leg of an OCO cancelled before it
                    takeOut(o);
                    finish(o, CancelReason.HALTED);
                }
            }
        }
    }

    /** Whether a limit price is within the symbol's price band around the last trade price (or there is none). */
    private boolean inBand(SymbolSpec s, long price) {
        long band = s.bandTicks(bandReference);
        return band < 0 || Math.abs(price - bandReference) <= band;
    }

    /**
     * The worst price a taker may trade at: a limit order's price; a market order's edge of the price
     * band around the last trade price before the command (no edge without a band).
     */
    protected final long walkLimit(Order taker) {
        if (taker.type != OrderType.MARKET) {
            return taker.price;
        }
        long band = spec.bandTicks(bandReference);
        if (taker.side == Side.BUY) {
            return band < 0 || bandReference > Long.MAX_VALUE - band ? Long.MAX_VALUE : bandReference + band;
        }
        return band < 0 ? 0 : bandReference - band;
    }

    /** The open order a CANCEL or AMEND addresses: by order id, or (order id 0) by the user's client order id. */
    private Order target(Command c) {
        if (c.orderId() != 0) {
            Order o = find(c.orderId());
            return o != null ? o : stopsById.get(c.orderId());
        }
        return c.clientOrderId() == null ? null : openByClientId.get(ClientOrderId.key(c.userId(), c.clientOrderId()));
    }

    /** An order closed (filled or cancelled): its client order id becomes a recent one. */
    private void closed(Order o) {
        String key = o.clientKey;
        if (key == null) {
            return;
        }
        openByClientId.remove(key);
        recentClientIds.add(key);
        recentAddedInCommand++;
        recentVersion++;
        if (recentClientIds.size() > RECENT_CLIENT_ORDER_IDS) {
            Iterator<String> eldest = recentClientIds.iterator();
            recentEvictedInCommand.add(eldest.next());
            eldest.remove();
        }
    }

    /** NEW and AMEND need a listed, TRADING symbol. */
    private boolean tradable(Command c, SymbolSpec s) {
        if (s == null) {
            reject(c, RejectReason.UNKNOWN_SYMBOL);
            return false;
        }
        if (s.status() != SymbolStatus.TRADING) {
            reject(c, s.status() == SymbolStatus.HALTED ? RejectReason.SYMBOL_HALTED : RejectReason.SYMBOL_CANCEL_ONLY);
            return false;
        }
        return true;
    }

    /** CANCEL and CANCEL_ALL need a listed symbol that is not HALTED. */
    private boolean cancellable(Command c) {
        if (spec == null) {
            reject(c, RejectReason.UNKNOWN_SYMBOL);
            return false;
        }
        if (spec.status() == SymbolStatus.HALTED) {
            reject(c, RejectReason.SYMBOL_HALTED);
            return false;
        }
        return true;
    }

    /** Before its listing a symbol has no sequence: its rejects carry seq 0 and leave nothing behind. */
    private void reject(Command c, RejectReason reason) {
        sink.rejected(spec == null ? 0 : ++seq, c, reason);
    }

    /**
     * Ends an order that is not in the book: cancels its remainder and gives it back. An OCO leg
     * cancelled for any reason but OCO takes its other leg with it, right after it.
     */
    private void finish(Order o, CancelReason reason) {
        o.status = OrderStatus.CANCELLED;
        closed(o);
        sink.cancelled(++seq, o, reason);
        Order other = o.ocoLeg;
        if (other != null) {
            // The sink saw the link (the ledger's holds depend on it); from here both are single orders.
            o.ocoLeg = null;
            o.ocoOrderId = 0;
            other.ocoLeg = null;
            other.ocoOrderId = 0;
            if (reason != CancelReason.OCO) {
                takeOut(other);
                finish(other, CancelReason.OCO);
            }
        }
        release(o);
    }

    // ---- Called by the book implementations from inside match() ----

    /** Fills {@code qty} lots between taker and maker at the maker's {@code price}, and emits the trade. */
    protected final void fill(Order taker, Order maker, long price, long qty) {
        if (taker.ocoLeg != null) {
            cancelOtherLeg(taker);
        }
        if (maker.ocoLeg != null) {
            cancelOtherLeg(maker);
        }
        long quote = spec.notional(price, qty);
        long takerFee = Fees.charge(taker, quote, spec.takerRate());
        long makerFee = Fees.charge(maker, quote, spec.makerRate());
        taker.filled += qty;
        taker.filledQuote += quote;
        maker.filled += qty;
        maker.filledQuote += quote;
        if (maker.displayQty != 0) {
            maker.visible -= qty;
        }
        taker.status =
                (taker.quoteQuantity != 0 ? taker.filledQuote == taker.quoteQuantity : taker.filled == taker.quantity)
                        ? OrderStatus.FILLED
                        : OrderStatus.PARTIALLY_FILLED;
        maker.status = maker.filled == maker.quantity ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED;
        if (taker.status == OrderStatus.FILLED) {
            closed(taker);
        }
        if (maker.status == OrderStatus.FILLED) {
            closed(maker);
        }
        lastTradePrice = price;
        sink.trade(++seq, ++lastTradeId, taker, maker, price, qty, quote, takerFee, makerFee);
    }

    /** Cancels a resting order that self-trade prevention took out; the book has already removed it. */
    protected final void expireMaker(Order maker) {
        finish(maker, CancelReason.SELF_TRADE_PREVENTED);
    }

    /**
     * Self-trade prevention DECREMENT of a taker meeting a resting order of its own user at {@code
     * price}: the lots they would have traded, i.e. the smaller of the maker's remainder and what the
     * taker can still take there (a market order by quote amount: the lots its amount allows at that
     * price). 0 when a taker by quote amount cannot buy one lot there, which ends it as usual.
     */
    protected final long decrementLots(Order taker, Order maker, long price) {
        long takerLots = taker.quoteQuantity != 0 ? affordableLots(taker, price) : taker.quantity - taker.filled;
        return Math.min(takerLots, maker.quantity - maker.filled);
    }

    /** DECREMENT lowered a resting order that had more than {@code lots} left: it keeps its place. */
    protected final void decrementMaker(Order maker, long lots) {
        if (maker.ocoLeg != null) {
            cancelOtherLeg(maker);
        }
        long previous = maker.quantity;
        reduce(maker, previous - lots);
        sink.decremented(++seq, maker, previous, maker.quoteQuantity);
    }

    /**
     * DECREMENT after the maker lost {@code lots} at {@code price}: a taker that could take no more
     * there is left for the caller to cancel; one with more left is lowered by them and keeps
     * matching (a taker by quote amount: its budget by their notional).
     *
     * @return true if the taker had no more than {@code lots} left there (the caller cancels it)
     */
    protected final boolean decrementTaker(Order taker, long price, long lots) {
        if (taker.ocoLeg != null) {
            cancelOtherLeg(taker);
        }
        long previousQty = taker.quantity;
        long previousQuote = taker.quoteQuantity;
        if (previousQuote != 0) {
            if (affordableLots(taker, price) == lots) {
                return true;
            }
            taker.quoteQuantity -= spec.notional(price, lots);
        } else {
            if (taker.quantity - taker.filled == lots) {
                return true;
            }
            taker.quantity -= lots;
        }
        sink.decremented(++seq, taker, previousQty, previousQuote);
        return false;
    }

    /**
     * Lots a market order by quote amount can still take at {@code price}: what its remaining budget
     * buys (a buy) or asks for (a sell: whole lots whose proceeds stay within the amount), a sell also
     * no more than what is left of its {@code maxQty} (its quantity).
     */
    protected final long affordableLots(Order taker, long price) {
        long lots = taker.remainingQuote() / spec.notional(price, 1);
        return taker.side == Side.BUY ? lots : Math.min(lots, taker.quantity - taker.filled);
    }

    // ---- The book ----

    /** The open order with this id, or null. */
    protected abstract Order find(long orderId);

    /** An order object to fill in (the heap book recycles them). */
    protected abstract Order newOrder();

    /** The order is done and out of the book; the book may reuse the object after {@code process} returns. */
    protected abstract void release(Order o);

    /** Best price of a side in ticks, or 0 when the side is empty. */
    protected abstract long bestPrice(Side side);

    /** Puts an order at the back of its price level. */
    protected abstract void rest(Order o);

    /** Takes a resting order out of the book. */
    protected abstract void remove(Order o);

    /** Lowers a resting order's total quantity in place, keeping its time priority. */
    protected abstract void reduce(Order o, long newQuantity);

    /**
     * Matches a taker against the opposite side, best price first and in time priority within a
     * price, while it crosses and has quantity (or quote budget) left, calling {@link #fill} for
     * each fill and {@link #expireMaker} for each resting order self-trade prevention takes out.
     *
     * @return true if self-trade prevention expired the taker (the caller cancels it)
     */
    protected abstract boolean match(Order taker);

    /**
     * The resting GTD order with the earliest expireTime (then the lowest order id) if that is not
     * after {@code time}, else null. Called before every command: must not scan the book.
     */
    protected abstract Order firstExpired(long time);

    /** Whether the user has at least {@code count} resting orders; looks at no more than that many. */
    protected abstract boolean hasOpenOrders(long userId, int count);

    /** Whether a FOK limit order would fill completely, given its self-trade prevention mode; changes nothing. */
    protected abstract boolean canFill(Order taker);

    /** The user's open orders, ascending by order id. */
    protected abstract List<Order> openOrdersOf(long userId);

    /** Every open order, ascending by order id. */
    protected abstract List<Order> openOrders();

    /** Drops every order without events (used before a restore). */
    protected abstract void clear();

    // ---- Market data: the levels one command changed ----

    /** Receives one price level a command changed, with its totals after the command. */
    public interface LevelChange {
        /** {@code quantity} and {@code orders} are 0 when the level is gone. */
        void level(Side side, long price, long quantity, int orders);
    }

    /** Best price of a side in ticks, or 0 when the side is empty. */
    public final long topPrice(Side side) {
        return bestPrice(side);
    }

    /** Open quantity at the best price of a side in lots, or 0 when the side is empty. */
    public abstract long topQuantity(Side side);

    /** Forgets the levels the previous command changed. */
    protected abstract void startCommand();

    /**
     * The price levels the last {@link #process} changed, once each: bids best first, then asks best
     * first. A level that ends the command as it began it may be reported too (it was touched).
     */
    public abstract void changedLevels(LevelChange visitor);

    /** Top {@code levels} aggregated levels of a side, best first. */
    public abstract List<L2Level> depth(Side side, int levels);

    /** Every resting order: bids best price first, then asks best price first; time priority within a price. */
    public abstract void forEachOrder(Consumer<Order> action);

    /** Number of resting orders. */
    public abstract int openOrderCount();

    /**
     * Checks every internal invariant of the book.
     *
     * @throws IllegalStateException naming the first broken invariant
     */
    public abstract void validate();

    // ---- State ----

    public final SymbolSpec spec() {
        return spec;
    }

    /** The sequence number of the last event. */
    public final long seq() {
        return seq;
    }

    public final long lastTradeId() {
        return lastTradeId;
    }

    /** The highest order id this symbol has accepted. */
    public final long lastOrderId() {
        return lastOrderId;
    }

    /** Price of the last trade in ticks, 0 before the first. */
    public final long lastTradePrice() {
        return lastTradePrice;
    }

    /** The client order ids of recently closed orders, oldest first (at most {@link #RECENT_CLIENT_ORDER_IDS}). */
    public final List<ClientOrderId> recentClientOrderIds() {
        List<ClientOrderId> ids = new ArrayList<>(recentClientIds.size());
        for (String key : recentClientIds) {
            ids.add(ClientOrderId.ofKey(key));
        }
        return ids;
    }

    /** What {@link #recentClientOrderIds} was before the last command (for a roll-back when it failed). */
    public final List<ClientOrderId> recentClientOrderIdsBeforeCommand() {
        // before ++ added == evicted ++ now: drop the added ones from the end.
        List<String> all = new ArrayList<>(recentEvictedInCommand);
        all.addAll(recentClientIds);
        List<ClientOrderId> ids = new ArrayList<>();
        for (String key : all.subList(0, all.size() - recentAddedInCommand)) {
            ids.add(ClientOrderId.ofKey(key));
        }
        return ids;
    }

    /** Changes whenever {@link #recentClientOrderIds} does. */
    public final long recentClientOrderIdsVersion() {
        return recentVersion;
    }

    /**
     * Replaces this book's state with a persisted one. Resting orders may come in any order; they
     * are placed by their time priority.
     */
    public final void restore(
            SymbolSpec spec,
            long seq,
            long lastTradeId,
            long lastOrderId,
            long lastTradePrice,
            List<Order> resting,
            List<ClientOrderId> recent) {
        clear();
        openByClientId.clear();
        recentClientIds.clear();
        risingStops.clear();
        fallingStops.clear();
        stopsById.clear();
        stopsPerUser.clear();
        for (ClientOrderId id : recent) {
            recentClientIds.add(ClientOrderId.key(id.userId(), id.clientOrderId()));
        }
        this.spec = spec;
        this.seq = seq;
        this.lastTradeId = lastTradeId;
        this.lastOrderId = lastOrderId;
        this.lastTradePrice = lastTradePrice;
        List<Order> byPriority = new ArrayList<>(resting);
        byPriority.sort(Comparator.comparingLong(Order::priority));
        List<Order> linked = new ArrayList<>();
        for (Order o : byPriority) {
            Order copy = newOrder();
            copy.copyFrom(o);
            copy.ocoLeg = null;
            if (copy.ocoOrderId != 0) {
                linked.add(copy);
            }
            copy.clientKey = o.clientOrderId == null ? null : ClientOrderId.key(o.userId, o.clientOrderId);
            if (copy.clientKey != null) {
                openByClientId.put(copy.clientKey, copy);
            }
            if (copy.type.isStop()) {
                addStop(copy);
            } else {
                rest(copy);
            }
        }
        for (Order o : linked) {
            Order other = find(o.ocoOrderId);
            o.ocoLeg = other != null ? other : stopsById.get(o.ocoOrderId);
            if (o.ocoLeg == null) {
                throw new IllegalStateException("OCO leg " + o.orderId + " without its other leg " + o.ocoOrderId);
            }
        }
    }

    /**
     * A hash of everything that decides future events: counters, spec and every resting order in
     * canonical order. Equal for two books that behave the same from here on.
     */
    public final long stateHash() {
        long[] h = {mix(mix(mix(mix(0x5350_4F54L, seq), lastTradeId), lastOrderId), lastTradePrice)};
        if (spec != null) {
            h[0] = mix(h[0], spec.toString().hashCode());
        }
        for (String key : recentClientIds) {
            h[0] = mix(h[0], key.hashCode());
        }
        for (Order o : waitingStops()) {
            h[0] = mix(
                    mix(mix(mix(mix(mix(h[0], o.orderId), o.stopPrice), o.priority), o.price), o.quantity),
                    o.ocoOrderId);
        }
        forEachOrder(o -> {
            long x = h[0];
            x = mix(x, o.orderId);
            x = mix(x, o.userId);
            x = mix(x, o.side.ordinal() * 16L + o.type.ordinal() * 4L + o.timeInForce.ordinal());
            x = mix(x, o.stp.ordinal());
            x = mix(x, o.price);
            x = mix(x, o.quantity);
            x = mix(x, o.filled);
            x = mix(x, o.filledQuote);
            x = mix(x, o.fees);
            x = mix(x, o.feeRemainder);
            x = mix(x, o.priority);
            x = mix(x, o.clientOrderId == null ? 0 : o.clientOrderId.hashCode());
            x = mix(x, o.expireTime);
            x = mix(x, o.stopPrice);
            x = mix(x, o.ocoOrderId);
            x = mix(mix(x, o.displayQty), o.visible);
            h[0] = mix(x, o.status.ordinal());
        });
        return h[0];
    }

    private static long mix(long h, long v) {
        long x = (h ^ v) * 0x9E37_79B9_7F4A_7C15L;
        return x ^ (x >>> 29);
    }
}
