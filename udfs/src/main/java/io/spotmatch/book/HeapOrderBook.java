package io.spotmatch.book;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The production book. Each side is a heap of price levels ({@link SideBook}); each level is an
 * intrusive FIFO of orders; orders are indexed by id and by owner. Costs: best price O(1); a new
 * order at an existing level O(1); at a new level O(log P); cancel O(1), or O(log P) when it
 * empties its level; each fill O(1), plus O(log P) per level the taker clears. Nothing scans the
 * book. Order and level objects are recycled so a steady flow allocates nothing.
 */
public final class HeapOrderBook extends OrderBook {

    private static final int POOL_LIMIT = 1 << 16;

    private final SideBook bids = new SideBook(true);
    private final SideBook asks = new SideBook(false);
    private final SideBook.Cursor bidCursor = bids.new Cursor();
    private final SideBook.Cursor askCursor = asks.new Cursor();
    private final LongObjectMap<Order> orders = new LongObjectMap<>(4096);
    /** Head of each owner's list of open orders. */
    private final LongObjectMap<Order> ownerHeads = new LongObjectMap<>(1024);
    /** Resting GTD orders, earliest expiry (then lowest id) first: the next to expire is the first. */
    private final TreeSet<Order> expiries =
            new TreeSet<>(Comparator.comparingLong(Order::expireTime).thenComparingLong(Order::orderId));

    /**
     * Order objects to reuse: [0, reusable) were released before the current command, [reusable,
     * orderPoolSize) by it. No object is reused within the command that released it (the sink may
     * still hold it, e.g. an order expired before the NEW that would otherwise take its object).
     */
    private Order[] orderPool = new Order[256];

    private int orderPoolSize;
    private int reusable;
    private PriceLevel[] levelPool = new PriceLevel[256];
    private int levelPoolSize;

    private SideBook side(Side side) {
        return side == Side.BUY ? bids : asks;
    }

    @Override
    protected Order find(long orderId) {
        return orders.get(orderId);
    }

    @Override
    protected Order newOrder() {
        if (reusable == 0) {
            return new Order();
        }
        Order o = orderPool[--reusable];
        orderPool[reusable] = orderPool[--orderPoolSize]; // the last released fills the gap
        return o;
    }

    @Override
    protected void release(Order o) {
        if (orderPoolSize < POOL_LIMIT) {
            if (orderPoolSize == orderPool.length) {
                orderPool = Arrays.copyOf(orderPool, orderPoolSize * 2);
            }
            orderPool[orderPoolSize++] = o;
        }
    }

    @Override
    protected long bestPrice(Side side) {
        PriceLevel best = side(side).best();
        return best == null ? 0 : best.price;
    }

    @Override
    protected void rest(Order o) {
        SideBook book = side(o.side);
        PriceLevel level = book.byPrice.get(o.price);
        if (level == null) {
            level = levelPoolSize > 0 ? levelPool[--levelPoolSize] : new PriceLevel();
            level.price = o.price;
            level.quantity = 0;
            level.hidden = 0;
            level.orders = 0;
            level.head = null;
            level.tail = null;
            level.touched = false;
            book.add(level);
        }
        book.touch(level);
        o.level = level;
        o.next = null;
        o.prev = level.tail;
        if (level.tail == null) {
            level.head = o;
        } else {
            level.tail.next = o;
        }
        level.tail = o;
        level.quantity += o.quantity - o.filled;
        level.hidden += o.reserve();
        level.orders++;
        orders.put(o.orderId, o);
        Order ownerHead = ownerHeads.get(o.userId);
        o.userPrev = null;
        o.userNext = ownerHead;
        if (ownerHead != null) {
            ownerHead.userPrev = o;
        }
        ownerHeads.put(o.userId, o);
        if (o.timeInForce == TimeInForce.GTD) {
            expiries.add(o);
        }
    }

    @Override
    protected void remove(Order o) {
        PriceLevel level = o.level;
        take(side(o.side), level, o);
        if (level.orders == 0) {
            dropLevel(side(o.side), level);
        }
    }

    /** Takes a whole order (an iceberg with its reserve) out of its level; the caller drops the level if empty. */
    private void take(SideBook book, PriceLevel level, Order o) {
        book.touch(level);
        level.quantity -= o.quantity - o.filled;
        level.hidden -= o.reserve();
        unlink(o);
    }

    /**
     * Takes an order out of its level FIFO and the indexes; the caller fixes the level's quantity and
     * drops it if empty.
     */
    private void unlink(Order o) {
        PriceLevel level = o.level;
        if (o.prev == null) {
            level.head = o.next;
        } else {
            o.prev.next = o.next;
        }
        if (o.next == null) {
            level.tail = o.prev;
        } else {
            o.next.prev = o.prev;
        }
        level.orders--;
        orders.remove(o.orderId);
        if (o.userPrev == null) {
            if (o.userNext == null) {
                ownerHeads.remove(o.userId);
            } else {
                ownerHeads.put(o.userId, o.userNext);
            }
        } else {
            o.userPrev.userNext = o.userNext;
        }
        if (o.userNext != null) {
            o.userNext.userPrev = o.userPrev;
        }
        if (o.timeInForce == TimeInForce.GTD) {
            expiries.remove(o);
        }
        o.clearLinks();
    }

    private void dropLevel(SideBook book, PriceLevel level) {
        book.removeLevel(level);
        level.head = null;
        level.tail = null;
        // Its price stays in the touched list and reads as gone; a level at that price later in the command is new.
        level.touched = false;
        if (levelPoolSize < POOL_LIMIT) {
            if (levelPoolSize == levelPool.length) {
                levelPool = Arrays.copyOf(levelPool, levelPoolSize * 2);
            }
            levelPool[levelPoolSize++] = level;
        }
    }

    @Override
    protected void reduce(Order o, long newQuantity) {
        PriceLevel level = o.level;
        side(o.side).touch(level);
        level.quantity -= o.quantity - newQuantity;
        level.hidden -= o.reserve();
        o.quantity = newQuantity;
        lowerSlice(o);
        level.hidden += o.reserve();
    }

    @Override
    protected boolean match(Order taker) {
        SideBook book = taker.side == Side.BUY ? asks : bids;
        boolean buy = taker.side == Side.BUY;
        long limit = walkLimit(taker);
        boolean byQuote = taker.quoteQuantity != 0;
        StpMode stp = taker.stp;
        PriceLevel level;
        while ((level = book.best()) != null) {
            long price = level.price;
            if (buy ? price > limit : price < limit) {
                return false;
            }
            Order maker = level.head;
            while (maker != null) {
                Order next = maker.next;
                if (maker.userId == taker.userId && stp != StpMode.NONE) {
                    if (stp == StpMode.EXPIRE_TAKER) {
                        return true;
                    }
                    if (stp == StpMode.DECREMENT) {
                        long lots = decrementLots(taker, maker, price);
                        if (lots == 0) {
                            return false;
                        }
                        if (lots < maker.quantity - maker.filled) {
                            decrementMaker(maker, lots); // the taker had less: it ends here
                            return true;
                        }
                        take(book, level, maker);
                        expireMaker(maker);
                        if (decrementTaker(taker, price, lots)) {
                            if (level.orders == 0) {
                                dropLevel(book, level);
                            }
                            return true;
                        }
                        maker = next;
                        continue;
                    }
                    take(book, level, maker);
                    expireMaker(maker);
                    if (stp == StpMode.EXPIRE_BOTH) {
                        if (level.orders == 0) {
                            dropLevel(book, level);
                        }
                        return true;
                    }
                    maker = next;
                    continue;
                }
                long qty = maker.shown();
                if (byQuote) {
                    long affordable = affordableLots(taker, price);
                    if (affordable == 0) {
                        return false;
                    }
                    qty = Math.min(qty, affordable);
                } else {
                    qty = Math.min(qty, taker.quantity - taker.filled);
                }
                book.touch(level);
                fill(taker, maker, price, qty);
                level.quantity -= qty;
                if (maker.status != OrderStatus.FILLED) {
                    if (maker.displayQty == 0 || maker.visible != 0) {
                        // The maker outlasted the taker: it is filled, or by quote cannot afford another lot here.
                        return false;
                    }
                    // An iceberg's slice is gone: its next slice goes to the back of the level, where
                    // this taker may meet it again after the orders that were behind it.
                    refreshSlice(maker);
                    level.hidden -= maker.visible;
                    requeue(level, maker);
                    if (taker.status == OrderStatus.FILLED) {
                        return false;
                    }
                    maker = next != null ? next : maker;
                    continue;
                }
                unlink(maker);
                release(maker);
                if (taker.status == OrderStatus.FILLED) {
                    if (level.orders == 0) {
                        dropLevel(book, level);
                    }
                    return false;
                }
                maker = next;
            }
            dropLevel(book, level);
        }
        return false;
    }

    /** Moves a refreshed iceberg to the back of its level (its lots stay in the level's quantity). */
    private static void requeue(PriceLevel level, Order o) {
        if (o.next == null) {
            return; // already last
        }
        if (o.prev == null) {
            level.head = o.next;
        } else {
            o.prev.next = o.next;
        }
        o.next.prev = o.prev;
        o.prev = level.tail;
        o.next = null;
        level.tail.next = o;
        level.tail = o;
    }

    @Override
    protected boolean canFill(Order taker) {
        SideBook.Cursor cursor = (taker.side == Side.BUY ? askCursor : bidCursor).reset();
        boolean buy = taker.side == Side.BUY;
        long needed = taker.quantity - taker.filled;
        for (PriceLevel level = cursor.next(); level != null; level = cursor.next()) {
            if (buy ? level.price > taker.price : level.price < taker.price) {
                return false;
            }
            if (taker.stp == StpMode.NONE) {
                needed -= level.quantity;
                if (needed <= 0) {
                    return true;
                }
                continue;
            }
            for (Order maker = level.head; maker != null; maker = maker.next) {
                if (maker.userId == taker.userId) {
                    if (taker.stp != StpMode.EXPIRE_MAKER) {
                        return false;
                    }
                    continue;
                }
                needed -= maker.quantity - maker.filled;
                if (needed <= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    protected Order firstExpired(long time) {
        if (expiries.isEmpty()) {
            return null;
        }
        Order first = expiries.first();
        return first.expireTime <= time ? first : null;
    }

    @Override
    protected boolean hasOpenOrders(long userId, int count) {
        int n = 0;
        for (Order o = ownerHeads.get(userId); o != null && n < count; o = o.userNext) {
            n++;
        }
        return n >= count;
    }

    @Override
    protected List<Order> openOrdersOf(long userId) {
        List<Order> result = new ArrayList<>();
        for (Order o = ownerHeads.get(userId); o != null; o = o.userNext) {
            result.add(o);
        }
        result.sort(Comparator.comparingLong(Order::orderId));
        return result;
    }

    @Override
    protected List<Order> openOrders() {
        List<Order> result = new ArrayList<>(orders.size());
        orders.forEachValue(result::add);
        result.sort(Comparator.comparingLong(Order::orderId));
        return result;
    }

    @Override
    protected void clear() {
        bids.clear();
        asks.clear();
        orders.clear();
        ownerHeads.clear();
        expiries.clear();
    }

    @Override
    public long topQuantity(Side side) {
        PriceLevel best = side(side).best();
        return best == null ? 0 : best.quantity - best.hidden;
    }

    @Override
    protected void startCommand() {
        reusable = orderPoolSize; // what the previous command released is reusable now
        bids.untouchAll();
        asks.untouchAll();
    }

    @Override
    public void changedLevels(LevelChange visitor) {
        reportChanged(bids, Side.BUY, visitor);
        reportChanged(asks, Side.SELL, visitor);
    }

    /** Sorts the touched prices in place (no allocation for a command's handful) and reports each once, best first. */
    private static void reportChanged(SideBook book, Side side, LevelChange visitor) {
        int n = book.touchedCount;
        long[] prices = book.touched;
        Arrays.sort(prices, 0, n);
        for (int k = 0; k < n; k++) {
            int i = book.bids ? n - 1 - k : k;
            long price = prices[i];
            if (k > 0 && price == prices[book.bids ? i + 1 : i - 1]) {
                continue;
            }
            PriceLevel level = book.byPrice.get(price);
            if (level == null) {
                visitor.level(side, price, 0, 0);
            } else {
                visitor.level(side, price, level.quantity - level.hidden, level.orders);
            }
        }
    }

    @Override
    public List<L2Level> depth(Side side, int levels) {
        SideBook.Cursor cursor = (side == Side.BUY ? bidCursor : askCursor).reset();
        List<L2Level> result = new ArrayList<>(Math.min(levels, 64));
        for (PriceLevel l = cursor.next(); l != null && result.size() < levels; l = cursor.next()) {
            result.add(new L2Level(l.price, l.quantity - l.hidden, l.orders)); // icebergs show their slice
        }
        return result;
    }

    @Override
    public void forEachOrder(Consumer<Order> action) {
        for (SideBook book : new SideBook[] {bids, asks}) {
            for (PriceLevel level : sortedLevels(book)) {
                for (Order o = level.head; o != null; o = o.next) {
                    action.accept(o);
                }
            }
        }
    }

    private static PriceLevel[] sortedLevels(SideBook book) {
        PriceLevel[] levels = Arrays.copyOf(book.heap, book.size);
        Arrays.sort(levels, Comparator.comparingLong(l -> book.key(l.price)));
        return levels;
    }

    @Override
    public int openOrderCount() {
        return orders.size();
    }

    @Override
    public void validate() {
        int counted = 0;
        for (SideBook book : new SideBook[] {bids, asks}) {
            String name = book.bids ? "bids" : "asks";
            if (book.byPrice.size() != book.size) {
                fail(name + ": price map has " + book.byPrice.size() + " levels, heap " + book.size);
            }
            for (int i = 0; i < book.size; i++) {
                counted += validateLevel(book, i, name);
            }
        }
        if (orders.size() != counted) {
            fail("id index has " + orders.size() + " orders, levels hold " + counted);
        }
        int[] owned = {0};
        ownerHeads.forEachValue(head -> {
            if (head.userPrev != null) {
                fail("owner list head " + head.orderId + " has a predecessor");
            }
            for (Order o = head; o != null; o = o.userNext) {
                if (o.userId != head.userId
                        || orders.get(o.orderId) != o
                        || o.userNext != null && o.userNext.userPrev != o) {
                    fail("order " + o.orderId + ": broken owner list");
                }
                owned[0]++;
            }
        });
        if (owned[0] != counted) {
            fail("owner lists hold " + owned[0] + " orders, levels hold " + counted);
        }
        int[] gtd = {0};
        orders.forEachValue(o -> gtd[0] += o.timeInForce == TimeInForce.GTD ? 1 : 0);
        if (expiries.size() != gtd[0]) {
            fail("expiry index holds " + expiries.size() + " orders, the book " + gtd[0] + " GTD orders");
        }
        for (Order o : expiries) {
            if (orders.get(o.orderId) != o) {
                fail("order " + o.orderId + ": in the expiry index but not resting");
            }
        }
    }

    /** Checks the level at heap position i and its orders; returns how many orders it holds. */
    private int validateLevel(SideBook book, int i, String name) {
        PriceLevel level = book.heap[i];
        if (level.heapIndex != i) {
            fail(name + ": level " + level.price + " thinks it is at " + level.heapIndex + ", is at " + i);
        }
        if (book.keys[i] != book.key(level.price) || i > 0 && book.keys[(i - 1) / 2] > book.keys[i]) {
            fail(name + ": heap order broken at " + i);
        }
        if (book.byPrice.get(level.price) != level) {
            fail(name + ": price map misses level " + level.price);
        }
        if (level.orders <= 0 || level.head == null) {
            fail(name + ": empty level " + level.price + " in heap");
        }
        Side side = book.bids ? Side.BUY : Side.SELL;
        long total = 0;
        long hidden = 0;
        int n = 0;
        long lastPriority = Long.MIN_VALUE;
        Order prev = null;
        for (Order o = level.head; o != null; o = o.next) {
            if (o.prev != prev || o.level != level || o.price != level.price || o.side != side) {
                fail("order " + o.orderId + ": linked into the wrong place");
            }
            if (o.priority <= lastPriority) {
                fail("order " + o.orderId + ": out of time priority");
            }
            if (o.quantity <= o.filled || !o.status.isOpen()) {
                fail("order " + o.orderId + ": resting but not open");
            }
            if (orders.get(o.orderId) != o) {
                fail("order " + o.orderId + ": missing from the id index");
            }
            checkSlice(o);
            lastPriority = o.priority;
            total += o.quantity - o.filled;
            hidden += o.reserve();
            n++;
            prev = o;
        }
        if (level.tail != prev || level.quantity != total || level.hidden != hidden || level.orders != n) {
            fail(name + ": level " + level.price + " has total/hidden/count " + level.quantity + "/" + level.hidden
                    + "/" + level.orders + ", its orders " + total + "/" + hidden + "/" + n);
        }
        return n;
    }

    private static void fail(String message) {
        throw new IllegalStateException(message);
    }
}
