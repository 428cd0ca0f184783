package io.spotmatch.book;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The reference model: each side is one list of orders kept sorted by price priority, then time
 * priority, and every operation is a plain loop over it. Slow on purpose and short enough to check
 * by reading; the contract tests hold the heap book to the same events. Not final: operator tests
 * extend it to make the engine fail on purpose.
 */
public class ReferenceOrderBook extends OrderBook {

    private final List<Order> bids = new ArrayList<>();
    private final List<Order> asks = new ArrayList<>();
    /** Both sides' depth before the current command, to diff against after it. */
    private final Map<Side, List<L2Level>> before = new EnumMap<>(Side.class);

    private List<Order> side(Side side) {
        return side == Side.BUY ? bids : asks;
    }

    /** Does a rest in the book come before b? Better price first, then earlier priority. */
    private static boolean ahead(Order a, Order b) {
        if (a.price != b.price) {
            return a.side == Side.BUY ? a.price > b.price : a.price < b.price;
        }
        return a.priority < b.priority;
    }

    @Override
    protected Order find(long orderId) {
        for (List<Order> list : List.of(bids, asks)) {
            for (Order o : list) {
                if (o.orderId == orderId) {
                    return o;
                }
            }
        }
        return null;
    }

    @Override
    protected Order newOrder() {
        return new Order();
    }

    @Override
    protected void release(Order o) {}

    @Override
    protected long bestPrice(Side side) {
        List<Order> list = side(side);
        return list.isEmpty() ? 0 : list.get(0).price;
    }

    @Override
    protected void rest(Order o) {
        List<Order> list = side(o.side);
        int i = 0;
        while (i < list.size() && ahead(list.get(i), o)) {
            i++;
        }
        list.add(i, o);
    }

    @Override
    protected void remove(Order o) {
        side(o.side).remove(o);
    }

    @Override
    protected void reduce(Order o, long newQuantity) {
        o.quantity = newQuantity;
        lowerSlice(o);
    }

    @Override
    protected boolean match(Order taker) {
        List<Order> book = side(taker.side.opposite());
        long limit = walkLimit(taker);
        while (!book.isEmpty()) {
            Order maker = book.get(0);
            boolean crosses = taker.side == Side.BUY ? maker.price <= limit : maker.price >= limit;
            if (!crosses) {
                return false;
            }
            if (maker.userId == taker.userId && taker.stp != StpMode.NONE) {
                if (taker.stp == StpMode.EXPIRE_TAKER) {
                    return true;
                }
                if (taker.stp == StpMode.DECREMENT) {
                    long lots = decrementLots(taker, maker, maker.price);
                    if (lots == 0) {
                        return false;
                    }
                    if (lots < maker.remaining()) {
                        decrementMaker(maker, lots);
                        return true;
                    }
                    book.remove(0);
                    expireMaker(maker);
                    if (decrementTaker(taker, maker.price, lots)) {
                        return true;
                    }
                    continue;
                }
                book.remove(0);
                expireMaker(maker);
                if (taker.stp == StpMode.EXPIRE_BOTH) {
                    return true;
                }
                continue;
            }
            long qty; // an iceberg maker trades no more than its visible slice at a time
            if (taker.quoteQuantity != 0) {
                qty = Math.min(maker.shown(), affordableLots(taker, maker.price));
                if (qty == 0) {
                    return false;
                }
            } else {
                qty = Math.min(maker.shown(), taker.remaining());
            }
            fill(taker, maker, maker.price, qty);
            if (maker.remaining() == 0) {
                book.remove(0);
            } else if (maker.shown() == 0) {
                // Its next slice, with the priority of this trade: behind every other order at its price.
                book.remove(0);
                refreshSlice(maker);
                rest(maker);
            }
            if (taker.status == OrderStatus.FILLED) {
                return false;
            }
        }
        return false;
    }

    @Override
    protected boolean canFill(Order taker) {
        long needed = taker.remaining();
        for (Order maker : side(taker.side.opposite())) {
            if (taker.side == Side.BUY ? maker.price > taker.price : maker.price < taker.price) {
                return false;
            }
            if (maker.userId == taker.userId && taker.stp != StpMode.NONE) {
                if (taker.stp == StpMode.EXPIRE_MAKER) {
                    continue;
                }
                return false;
            }
            needed -= maker.remaining(); // an iceberg's reserve included: it is there to trade
            if (needed <= 0) {
                return true;
            }
        }
        return false;
    }

    /** The naive way: every resting order, every time. */
    @Override
    protected Order firstExpired(long time) {
        Order first = null;
        for (Order o : openOrders()) {
            if (o.timeInForce == TimeInForce.GTD
                    && o.expireTime <= time
                    && (first == null || o.expireTime < first.expireTime)) {
                first = o; // openOrders is by ascending id: the first of equal times has the lowest id
            }
        }
        return first;
    }

    @Override
    protected boolean hasOpenOrders(long userId, int count) {
        return openOrdersOf(userId).size() >= count;
    }

    @Override
    protected List<Order> openOrdersOf(long userId) {
        List<Order> result = new ArrayList<>();
        for (Order o : openOrders()) {
            if (o.userId == userId) {
                result.add(o);
            }
        }
        return result;
    }

    @Override
    protected List<Order> openOrders() {
        List<Order> result = new ArrayList<>(bids);
        result.addAll(asks);
        result.sort(Comparator.comparingLong(Order::orderId));
        return result;
    }

    @Override
    protected void clear() {
        bids.clear();
        asks.clear();
    }

    @Override
    public long topQuantity(Side side) {
        long total = 0;
        for (Order o : side(side)) {
            if (o.price != side(side).get(0).price) {
                break;
            }
            total += o.shown();
        }
        return total;
    }

    @Override
    protected void startCommand() {
        for (Side side : Side.values()) {
            before.put(side, depth(side, Integer.MAX_VALUE));
        }
    }

    /** The naive way: the whole depth before and after, and every price where they differ. */
    @Override
    public void changedLevels(LevelChange visitor) {
        for (Side side : Side.values()) {
            Comparator<Long> bestFirst = side == Side.BUY ? Comparator.reverseOrder() : Comparator.naturalOrder();
            TreeMap<Long, L2Level> was = new TreeMap<>(bestFirst);
            TreeMap<Long, L2Level> is = new TreeMap<>(was.comparator());
            before.getOrDefault(side, List.of()).forEach(l -> was.put(l.price(), l));
            depth(side, Integer.MAX_VALUE).forEach(l -> is.put(l.price(), l));
            TreeMap<Long, L2Level> all = new TreeMap<>(was.comparator());
            all.putAll(was);
            all.putAll(is);
            for (Long price : all.keySet()) {
                L2Level now = is.get(price);
                if (!java.util.Objects.equals(now, was.get(price))) {
                    visitor.level(side, price, now == null ? 0 : now.quantity(), now == null ? 0 : now.orders());
                }
            }
        }
    }

    @Override
    public List<L2Level> depth(Side side, int levels) {
        List<L2Level> result = new ArrayList<>();
        for (Order o : side(side)) {
            int last = result.size() - 1;
            if (last >= 0 && result.get(last).price() == o.price) {
                L2Level l = result.get(last);
                result.set(last, new L2Level(l.price(), l.quantity() + o.shown(), l.orders() + 1));
            } else if (result.size() < levels) {
                result.add(new L2Level(o.price, o.shown(), 1));
            } else {
                break;
            }
        }
        return result;
    }

    @Override
    public void forEachOrder(Consumer<Order> action) {
        bids.forEach(action);
        asks.forEach(action);
    }

    @Override
    public int openOrderCount() {
        return bids.size() + asks.size();
    }

    @Override
    public void validate() {
        for (List<Order> list : List.of(bids, asks)) {
            for (int i = 0; i < list.size(); i++) {
                Order o = list.get(i);
                if (o.remaining() <= 0 || !o.status.isOpen()) {
                    throw new IllegalStateException("resting order is not open: " + o);
                }
                checkSlice(o);
                if (i > 0 && !ahead(list.get(i - 1), o)) {
                    throw new IllegalStateException("out of price-time order: " + list.get(i - 1) + " before " + o);
                }
            }
        }
    }
}
