package io.spotmatch.book;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An adversarial, seeded command stream for the differential test: few users (so self-trade
 * prevention fires), prices packed around a wandering mid (so orders cross), every order type,
 * time in force and STP mode, icebergs, amends, cancels of live, dead and unknown orders, CANCEL_ALL,
 * status changes, fee changes, book wipes, duplicate and out-of-range ids and malformed values.
 */
public final class RandomCommands {

    static final String LISTING = "SYMBOL base=BTC quote=USDT tick=0.01 step=0.001 minQty=0.002 minNotional=0.50"
            + " maxPrice=100000 maxQty=1000 maker=0.00075 taker=0.0013";

    private final SplittableRandom rnd;
    private final List<Long> recentIds = new ArrayList<>();
    private long nextId = 1;
    private long midTicks = 10_000;

    /** Index of the command being generated: its time is {@link #time} of it. */
    private int index;

    public RandomCommands(long seed) {
        rnd = new SplittableRandom(seed);
    }

    /** The time (epoch ms) to process command {@code i} of a stream at: one millisecond apart. */
    public static long time(int i) {
        return 1_800_000_000_000L + i;
    }

    public List<Command> take(int n) {
        List<Command> commands = new ArrayList<>(n);
        for (int i = 0; i < 5; i++) {
            index = commands.size();
            commands.add(next()); // before the listing: UNKNOWN_SYMBOL
        }
        commands.add(ScenarioTest.command(LISTING));
        while (commands.size() < n) {
            index = commands.size();
            commands.add(next());
        }
        return commands;
    }

    private Command next() {
        if (rnd.nextInt(100) == 0) {
            midTicks = Math.max(100, midTicks + rnd.nextInt(-30, 31));
        }
        int roll = rnd.nextInt(1000);
        if (roll < 560) {
            return newOrder();
        }
        if (roll < 800) {
            Command cancel = Command.cancel(pickId(), user());
            return rnd.nextInt(6) == 0 ? cancel.withOrderId(0).withClientOrderId(clientOrderId()) : cancel;
        }
        if (roll < 940) {
            Command amend = amend();
            return rnd.nextInt(6) == 0 ? amend.withOrderId(0).withClientOrderId(clientOrderId()) : amend;
        }
        if (roll < 955) {
            return Command.cancelAll(user());
        }
        return symbol();
    }

    /** From a small pool, so they repeat: open and recently closed ones are duplicates. */
    private String clientOrderId() {
        return rnd.nextInt(500) == 0 ? "no spaces allowed" : "c" + rnd.nextInt(300);
    }

    private long user() {
        return 1 + rnd.nextInt(6);
    }

    private long pickId() {
        if (recentIds.isEmpty() || rnd.nextInt(20) == 0) {
            return rnd.nextLong(1, nextId + 5);
        }
        return recentIds.get(rnd.nextInt(recentIds.size()));
    }

    private long newId() {
        if (rnd.nextInt(100) == 0 && nextId > 1) {
            return rnd.nextLong(1, nextId); // a duplicate
        }
        if (rnd.nextInt(2000) == 0) {
            return Long.MAX_VALUE - rnd.nextInt(1000); // out of range, must not use up the id space
        }
        long id = nextId;
        nextId += 1 + (rnd.nextInt(10) == 0 ? rnd.nextInt(5) : 0);
        recentIds.add(id);
        if (recentIds.size() > 400) {
            recentIds.remove(rnd.nextInt(recentIds.size()));
        }
        return id;
    }

    private Decimal price(Side side) {
        int r = rnd.nextInt(1000);
        if (r == 0) {
            return new Decimal(0, 2);
        }
        if (r == 1) {
            return new Decimal(-midTicks, 2);
        }
        if (r == 2) {
            return new Decimal(midTicks * 10 + 5, 3); // off the tick grid
        }
        if (r == 3) {
            return new Decimal(100_000_01, 2); // above maxPrice
        }
        long offset = rnd.nextInt(-6, 40); // mostly on its own side of the mid, sometimes across
        long ticks = Math.max(1, midTicks + (side == Side.SELL ? offset : -offset));
        return r < 100 ? new Decimal(ticks * 10, 3) : new Decimal(ticks, 2); // same value, other scale
    }

    private Decimal qty() {
        int r = rnd.nextInt(1000);
        if (r == 0) {
            return new Decimal(0, 3);
        }
        if (r == 1) {
            return new Decimal(1, 3); // below minQty
        }
        if (r == 2) {
            return new Decimal(12345, 4); // off the step grid
        }
        if (r == 3) {
            return new Decimal(1_000_001, 3); // above maxQty
        }
        long lots = 2 + rnd.nextInt(40);
        if (rnd.nextInt(10) == 0) {
            lots *= 10;
        }
        return new Decimal(lots, 3);
    }

    /** An iceberg's display quantity: mostly a few lots, so slices refresh often; some malformed. */
    private Decimal displayQty() {
        int r = rnd.nextInt(100);
        if (r == 0) {
            return new Decimal(1, 3); // below minQty
        }
        if (r == 1) {
            return new Decimal(25, 4); // off the step grid
        }
        return new Decimal(2 + rnd.nextInt(r < 5 ? 60 : 5), 3); // mostly below the order's quantity
    }

    private StpMode stp() {
        int r = rnd.nextInt(StpMode.values().length + 1);
        return r == StpMode.values().length ? null : StpMode.values()[r];
    }

    private Command newOrder() {
        long id = newId();
        long user = user();
        Side side = rnd.nextBoolean() ? Side.BUY : Side.SELL;
        int conditional = rnd.nextInt(100);
        if (conditional < 7) {
            return stopOrder(id, user, side);
        }
        if (conditional < 11) {
            return oco(id, user, side);
        }
        int r = rnd.nextInt(100);
        OrderType type;
        TimeInForce tif;
        Decimal price = null;
        Decimal qty = null;
        Decimal quote = null;
        if (r < 55) {
            type = OrderType.LIMIT;
            tif = TimeInForce.GTC;
        } else if (r < 67) {
            type = OrderType.LIMIT;
            tif = TimeInForce.IOC;
        } else if (r < 75) {
            type = OrderType.LIMIT;
            tif = TimeInForce.FOK;
        } else if (r < 85) {
            type = OrderType.LIMIT_MAKER;
            tif = rnd.nextInt(50) == 0 ? TimeInForce.IOC : TimeInForce.GTC;
        } else {
            type = OrderType.MARKET;
            tif = rnd.nextInt(50) == 0 ? TimeInForce.GTC : TimeInForce.IOC;
        }
        if (type != OrderType.MARKET || rnd.nextInt(100) == 0) {
            price = price(side);
        }
        if (type == OrderType.MARKET && rnd.nextInt(3) == 0) {
            quote = new Decimal(midTicks * (1 + rnd.nextInt(30)) + rnd.nextInt(100), 5);
            if (rnd.nextInt(100) == 0) {
                qty = qty(); // both: invalid
            }
        } else {
            qty = qty();
        }
        if (rnd.nextInt(200) == 0) {
            tif = null; // take the type's default
        }
        Command c = new Command(CommandType.NEW, id, user, side, type, tif, price, qty, quote, stp(), null);
        int e = rnd.nextInt(100);
        if (e < 12 && type != OrderType.MARKET && (tif == TimeInForce.GTC || tif == null)) {
            // GTD: most expire within a few hundred commands, some never in the stream, a few are invalid
            long expiry = e == 0 ? time(index) : e == 1 ? 0 : time(index) + 1 + rnd.nextInt(e < 4 ? 100_000 : 400);
            c = c.withExpireTime(expiry);
        } else if (e == 12) {
            c = new Command(
                    CommandType.NEW, id, user, side, type, tif, price, qty, quote, stp(), null, null, time(index) + 5);
        }
        int ice = rnd.nextInt(100);
        if (ice < 10 && type != OrderType.MARKET || ice == 10) {
            c = c.withIcebergQuantity(displayQty()); // some invalid: IOC, FOK, market, not below qty
        }
        if (rnd.nextInt(4) == 0) {
            c = c.withClientOrderId(clientOrderId());
        }
        // Some orders are numbered by the engine (the generator's next ids may then be duplicates).
        return rnd.nextInt(10) == 0 ? c.withOrderId(0) : c;
    }

    private static final OrderType[] STOPS = {
        OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT
    };

    /** Stop prices around the mid: some already reached (rejected), the rest trigger as the mid wanders. */
    private Command stopOrder(long id, long user, Side side) {
        OrderType type = STOPS[rnd.nextInt(STOPS.length)];
        Decimal stop = rnd.nextInt(100) == 0 ? null : new Decimal(Math.max(1, midTicks + rnd.nextInt(-25, 26)), 2);
        Decimal price = type.isMarket() ? null : price(side);
        TimeInForce tif = rnd.nextInt(20) == 0 ? TimeInForce.IOC : null;
        Command c =
                new Command(CommandType.NEW, id, user, side, type, tif, price, qty(), null, stp(), null, null, 0, stop);
        if (rnd.nextInt(100) == 0) {
            c = c.withIcebergQuantity(displayQty()); // not on a stop order
        }
        return rnd.nextInt(4) == 0 ? c.withClientOrderId(clientOrderId()) : c;
    }

    /**
     * An OCO: a limit leg mostly on its own side of the mid (sometimes crossing), a stop leg against
     * it around the mid (some already reached: rejected), half of them stop-limit; a few malformed.
     */
    private Command oco(long id, long user, Side side) {
        long stopOffset = rnd.nextInt(-3, 26);
        long stopTicks = Math.max(1, midTicks + (side == Side.SELL ? -stopOffset : stopOffset));
        Decimal stop = rnd.nextInt(100) == 0 ? null : new Decimal(stopTicks, 2);
        Decimal stopLimit = rnd.nextBoolean()
                ? null
                : new Decimal(Math.max(1, stopTicks + (side == Side.SELL ? -1 : 1) * rnd.nextInt(0, 5)), 2);
        TimeInForce tif = rnd.nextInt(30) == 0 ? TimeInForce.IOC : rnd.nextInt(5) == 0 ? TimeInForce.GTC : null;
        Command c = new Command(
                CommandType.NEW,
                id,
                user,
                side,
                OrderType.OCO,
                tif,
                rnd.nextInt(100) == 0 ? null : price(side),
                qty(),
                null,
                stp(),
                null,
                null,
                0,
                stop,
                stopLimit);
        if (rnd.nextInt(100) == 0) {
            c = c.withIcebergQuantity(displayQty()); // not on an OCO
        }
        // The stop leg takes the next id: the generator must not hand it out again.
        nextId++;
        recentIds.add(id + 1);
        if (rnd.nextInt(4) == 0) {
            c = c.withClientOrderId(clientOrderId());
        }
        return rnd.nextInt(10) == 0 ? c.withOrderId(0) : c;
    }

    private Command amend() {
        long id = pickId();
        long user = user();
        int r = rnd.nextInt(3);
        Decimal price = r != 1 ? price(rnd.nextBoolean() ? Side.BUY : Side.SELL) : null;
        Decimal qty = r != 0 ? qty() : null;
        Command c = new Command(CommandType.AMEND, id, user, null, null, null, price, qty, null, null, null);
        return rnd.nextInt(200) == 0 ? c.withIcebergQuantity(displayQty()) : c; // not amendable
    }

    private Command symbol() {
        int r = rnd.nextInt(100);
        SymbolStatus status = r < 70 ? SymbolStatus.TRADING : r < 85 ? SymbolStatus.CANCEL_ONLY : SymbolStatus.HALTED;
        Decimal maker = rnd.nextBoolean() ? new Decimal(rnd.nextInt(0, 300), 5) : null;
        Decimal taker = rnd.nextBoolean() ? new Decimal(rnd.nextInt(0, 300), 5) : null;
        Decimal tick = rnd.nextInt(20) == 0 ? new Decimal(1, 1) : null; // an illegal grid change
        StpMode stp = rnd.nextInt(4) == 0 ? StpMode.values()[rnd.nextInt(StpMode.values().length)] : null;
        boolean wipe = rnd.nextInt(25) == 0;
        // Order limits come and go (0 lifts one), so a stream spends only part of its time under each.
        Decimal maxNotional = rnd.nextInt(8) == 0 ? new Decimal(rnd.nextBoolean() ? 0 : 5 + rnd.nextInt(400), 0) : null;
        Decimal marketMaxQty = rnd.nextInt(8) == 0 ? new Decimal(rnd.nextBoolean() ? 0 : 2 + rnd.nextInt(60), 3) : null;
        Decimal maxOpen = rnd.nextInt(8) == 0 ? new Decimal(rnd.nextBoolean() ? 0 : 3 + rnd.nextInt(30), 0) : null;
        Decimal band = rnd.nextInt(8) == 0 ? new Decimal(rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(60), 0) : null;
        if (rnd.nextInt(200) == 0) {
            band = new Decimal(10_001, 0); // out of range: INVALID_SPEC
        }
        return Command.symbol(new SymbolUpdate(
                null,
                null,
                tick,
                null,
                null,
                null,
                null,
                null,
                maker,
                taker,
                status,
                stp,
                wipe,
                maxNotional,
                marketMaxQty,
                maxOpen,
                band));
    }
}
