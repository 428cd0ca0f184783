package io.spotmatch.load;

import io.spotmatch.book.CancelReason;
import io.spotmatch.book.Command;
import io.spotmatch.book.CommandType;
import io.spotmatch.book.Decimal;
import io.spotmatch.book.EventSink;
import io.spotmatch.book.HeapOrderBook;
import io.spotmatch.book.Order;
import io.spotmatch.book.OrderBook;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.RejectReason;
import io.spotmatch.book.Side;
import io.spotmatch.book.SymbolSpec;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A realistic, seeded order flow for one symbol: GTC limit orders around a slowly random-walking
 * mid, denser near the touch; marketable IOC limits and market orders; cancels and amends of
 * orders that are actually live. It keeps a shadow book of its own commands to know which orders
 * are live, and steers its cancel rate so the book holds about {@code targetResting} orders.
 *
 * <p>The default mix: ~50% GTC limits, ~8% IOC or market, ~40% cancels, ~2% amends; 1-20 lots
 * per order and one order in ten ten times bigger. Deterministic for a seed: integer arithmetic
 * only.
 */
public final class OrderFlow {

    /**
     * Shape of the flow. {@code spreadTicks}: how far from the mid resting orders go on each side.
     * {@code recentCancels}: cancels and amends mostly hit the orders placed most recently, as real
     * cancel flow does, instead of any live order with equal chance.
     */
    public record Shape(int targetResting, int spreadTicks, int users, long startMidTicks, boolean recentCancels) {
        public Shape(int targetResting, int spreadTicks, int users, long startMidTicks) {
            this(targetResting, spreadTicks, users, startMidTicks, false);
        }

        /** ~1,000 resting orders over ~750 levels. */
        public static Shape steady() {
            return new Shape(1_000, 800, 1_000, 6_500_000);
        }

        /** ~10,000 resting orders over a few thousand levels. */
        public static Shape medium() {
            return new Shape(10_000, 2_000, 1_000, 6_500_000);
        }

        /** ~100,000 resting orders over ~10,000 levels. */
        public static Shape deep() {
            return new Shape(100_000, 5_000, 1_000, 6_500_000);
        }

        /** The deep book with cancels and amends aimed mostly at recent orders. */
        public static Shape deepRecent() {
            return new Shape(100_000, 5_000, 1_000, 6_500_000, true);
        }
    }

    /** BTC-USDT-like grid: prices with 2 decimals, quantities with 3. */
    public static final int PRICE_SCALE = 2;

    public static final int QTY_SCALE = 3;

    private final SplittableRandom rnd;
    private final Shape shape;
    private final OrderBook shadow = new HeapOrderBook();
    private final Tracker tracker = new Tracker();
    private long nextOrderId;
    private long midTicks;
    private long generated;

    public OrderFlow(long seed, Shape shape) {
        this(seed, shape, 1);
    }

    /** @param firstOrderId where this flow's order ids start (ids must increase per symbol) */
    public OrderFlow(long seed, Shape shape, long firstOrderId) {
        this.rnd = new SplittableRandom(seed);
        this.shape = shape;
        this.midTicks = shape.startMidTicks();
        this.nextOrderId = firstOrderId;
        shadow.process(listing(), tracker);
    }

    /** The SYMBOL command that lists the flow's symbol as BTC/USDT. */
    public static Command listing() {
        return listing("BTC", "USDT");
    }

    /** The SYMBOL command that lists a flow's symbol: tick 0.01, step 0.001, 0.1% maker, 0.2% taker. */
    public static Command listing(String base, String quote) {
        return Command.symbol(new SymbolUpdate(
                base,
                quote,
                new Decimal(1, PRICE_SCALE),
                new Decimal(1, QTY_SCALE),
                new Decimal(1, QTY_SCALE),
                new Decimal(100, 2),
                new Decimal(10_000_000, 0),
                new Decimal(10_000, 0),
                new Decimal(10, 4),
                new Decimal(20, 4),
                SymbolStatus.TRADING,
                null,
                false));
    }

    /** The next command; it has already been applied to the shadow book. */
    public Command next() {
        Command c = generate();
        shadow.process(c, tracker);
        generated++;
        return c;
    }

    public int liveOrders() {
        return tracker.size;
    }

    public long midTicks() {
        return midTicks;
    }

    /** The flow's own view of the book, for sanity checks of the shape. */
    public OrderBook shadowBook() {
        return shadow;
    }

    private Command generate() {
        if (rnd.nextInt(64) == 0) {
            midTicks += rnd.nextBoolean() ? 1 : -1;
        }
        int live = tracker.size;
        // Cancel share ~40%, steered up when the book is above its target and down below it.
        int target = shape.targetResting();
        int cancelPerMille = live == 0 ? 0 : Math.max(300, Math.min(500, 400 + (live - target) * 400 / target));
        int roll = rnd.nextInt(1000);
        if (roll < cancelPerMille) {
            Order o = tracker.pick(rnd, shape.recentCancels());
            return Command.cancel(o.orderId(), o.userId());
        }
        if (roll < cancelPerMille + 20 && live > 0) {
            return amend(tracker.pick(rnd, shape.recentCancels()));
        }
        if (roll < cancelPerMille + 100) {
            return marketable();
        }
        return restingLimit();
    }

    private long lots() {
        long lots = 1 + rnd.nextInt(20);
        return rnd.nextInt(10) == 0 ? lots * 10 : lots;
    }

    private long userId() {
        return 1 + rnd.nextInt(shape.users());
    }

    /** Distance from the mid, 1..spreadTicks, denser near the touch. */
    private long offset() {
        return 1 + Math.min(rnd.nextInt(shape.spreadTicks()), rnd.nextInt(shape.spreadTicks()));
    }

    private Command restingLimit() {
        Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
        long price = side == Side.BUY ? midTicks - offset() : midTicks + offset();
        return order(side, OrderType.LIMIT, TimeInForce.GTC, price, lots());
    }

    private Command marketable() {
        Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
        if (rnd.nextInt(4) == 0) {
            return order(side, OrderType.MARKET, TimeInForce.IOC, 0, lots());
        }
        long through = rnd.nextInt(4);
        long price = side == Side.BUY ? midTicks + through : midTicks - through;
        return order(side, OrderType.LIMIT, TimeInForce.IOC, price, lots());
    }

    private Command order(Side side, OrderType type, TimeInForce tif, long priceTicks, long lots) {
        return new Command(
                CommandType.NEW,
                nextOrderId++,
                userId(),
                side,
                type,
                tif,
                type == OrderType.MARKET ? null : new Decimal(Math.max(1, priceTicks), PRICE_SCALE),
                new Decimal(lots, QTY_SCALE),
                null,
                null,
                null);
    }

    private Command amend(Order o) {
        if (rnd.nextBoolean() && o.remaining() > 1) {
            long keep = o.quantity() - 1 - rnd.nextInt((int) Math.min(o.remaining() - 1, 10));
            return Command.amend(o.orderId(), o.userId(), null, Decimal.format(keep, QTY_SCALE));
        }
        long price = o.side() == Side.BUY ? midTicks - offset() : midTicks + offset();
        return Command.amend(o.orderId(), o.userId(), Decimal.format(Math.max(1, price), PRICE_SCALE), null);
    }

    public long generated() {
        return generated;
    }

    /**
     * Live orders from the shadow book's events, in a dense array for O(1) random picks. Keeps its
     * own copies: the book recycles its order objects.
     */
    private static final class Tracker implements EventSink {
        private Order[] live = new Order[1024];
        private final Map<Long, Integer> index = new HashMap<>();
        int size;
        /** Ids of the last orders placed, newest overwriting oldest. */
        private final long[] recent = new long[1024];

        private int placed;

        /** A live order: nine times in ten among the recently placed ones if {@code recentFirst}, else any. */
        Order pick(SplittableRandom rnd, boolean recentFirst) {
            if (recentFirst && placed > 0 && rnd.nextInt(10) != 0) {
                Integer at = index.get(recent[rnd.nextInt(Math.min(placed, recent.length))]);
                if (at != null) {
                    return live[at];
                }
            }
            return live[rnd.nextInt(size)];
        }

        private void upsert(Order o) {
            Order copy = Order.resting(
                    o.orderId(),
                    o.userId(),
                    o.side(),
                    o.type(),
                    o.timeInForce(),
                    o.stp(),
                    o.price(),
                    o.quantity(),
                    o.filled(),
                    o.filledQuote(),
                    o.fees(),
                    o.feeRemainder(),
                    o.priority());
            Integer at = index.get(o.orderId());
            if (at != null) {
                live[at] = copy;
                return;
            }
            if (size == live.length) {
                live = Arrays.copyOf(live, size * 2);
            }
            index.put(o.orderId(), size);
            live[size++] = copy;
        }

        private void drop(long orderId) {
            Integer at = index.remove(orderId);
            if (at == null) {
                return;
            }
            Order last = live[--size];
            live[size] = null;
            if (at < size) {
                live[at] = last;
                index.put(last.orderId(), at);
            }
        }

        @Override
        public void accepted(long seq, Order order) {
            if (order.type() == OrderType.LIMIT && order.timeInForce() == TimeInForce.GTC) {
                upsert(order);
                recent[placed++ % recent.length] = order.orderId();
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
            for (Order o : new Order[] {taker, maker}) {
                if (o.remaining() == 0) {
                    drop(o.orderId());
                } else if (index.containsKey(o.orderId())) {
                    upsert(o);
                }
            }
        }

        @Override
        public void cancelled(long seq, Order order, CancelReason reason) {
            drop(order.orderId());
        }

        @Override
        public void amended(long seq, Order order, long previousPrice, long previousQuantity, boolean priorityKept) {
            upsert(order);
        }

        @Override
        public void decremented(long seq, Order order, long previousQuantity, long previousQuoteQuantity) {
            if (index.containsKey(order.orderId())) {
                upsert(order);
            }
        }

        @Override
        public void triggered(long seq, Order order) {}

        @Override
        public void rejected(long seq, Command command, RejectReason reason) {}

        @Override
        public void cancelledAll(long seq, long userId, int count) {}

        @Override
        public void symbolUpdated(long seq, SymbolSpec spec) {}
    }
}
