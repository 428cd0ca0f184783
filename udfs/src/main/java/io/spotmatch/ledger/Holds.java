package io.spotmatch.ledger;

import io.spotmatch.book.Order;
import io.spotmatch.book.OrderBook;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.SymbolSpec;

/**
 * Turns one symbol's engine callbacks into balance {@link Movement}s: holds for open orders and the
 * settlement of every fill.
 *
 * <p>An order's hold is never stored: it is a function of the order and the symbol's spec (see
 * {@link #hold}), and after every event the funds held for an order equal exactly that function.
 * Each callback therefore moves the difference between the order's hold before and after the event,
 * and a closed order, whose hold is 0, leaves nothing behind: no dust, whatever its fills were. A
 * fee-rate change re-holds every open buy order at the {@code SYMBOL_UPDATED} event, so the rule
 * stays true across rate changes. The one thing a book's state records is whether its resting
 * orders are held at all: a book from before settlement is held once, by {@link #holdResting}.
 *
 * <p>Amounts are in the symbol's units: quote asset in notional units ({@code 10^-notionalScale}),
 * base asset in lots ({@code 10^-qtyScale}); the ledger turns them into exact decimals.
 */
public final class Holds {

    /** The account fees are credited to, per asset. User ids are positive, so 0 is nobody's. */
    public static final long FEE_ACCOUNT = 0;

    private static final long ONE = SymbolSpec.RATE_ONE;

    /** Where movements go, in event order. */
    public interface Sink {
        void movement(Movement m);
    }

    private final String symbol;
    private SymbolSpec spec;

    /** @param spec the symbol's spec as the book has it now; null before its listing */
    public Holds(String symbol, SymbolSpec spec) {
        this.symbol = symbol;
        this.spec = spec;
    }

    public void accepted(long seq, Order o, Sink out) {
        long h = hold(spec, o);
        move(out, o, o.side() == Side.SELL, -h, h, seq, Leg.HOLD);
    }

    public void amended(long seq, Order o, long previousPrice, long previousQuantity, Sink out) {
        long before = hold(
                spec,
                o.side(),
                o.type(),
                previousPrice,
                previousQuantity,
                o.quoteQuantity(),
                o.filled(),
                o.filledQuote(),
                o.fees(),
                o.feeRemainder());
        long after = hold(spec, o);
        move(out, o, o.side() == Side.SELL, before - after, after - before, seq, Leg.HOLD);
    }

    /** Self-trade prevention DECREMENT lowered the order: what the lost quantity (or budget) held goes back. */
    public void decremented(long seq, Order o, long previousQuantity, long previousQuoteQuantity, Sink out) {
        long before = hold(
                spec,
                o.side(),
                o.type(),
                o.price(),
                previousQuantity,
                previousQuoteQuantity,
                o.filled(),
                o.filledQuote(),
                o.fees(),
                o.feeRemainder());
        long after = hold(spec, o);
        move(out, o, o.side() == Side.SELL, before - after, after - before, seq, Leg.RELEASE);
    }

    /**
     * The order closed without filling further: everything it still holds goes back. The limit leg of
     * an OCO whose stop leg stays open (for a moment, or triggering): that leg now holds all it needs.
     */
    public void cancelled(long seq, Order o, Sink out) {
        long h = hold(spec, o);
        move(out, o, o.side() == Side.SELL, h, -h, seq, Leg.RELEASE);
        Order stop = o.ocoLeg();
        if (stop != null && stop.type().isStop()) {
            long alone = single(spec, stop);
            long linked = hold(spec, stop);
            move(out, stop, stop.side() == Side.SELL, linked - alone, alone - linked, seq, Leg.HOLD);
        }
    }

    /** Both orders already include the fill (as {@link io.spotmatch.book.EventSink#trade} says). */
    public void trade(
            long seq, Order taker, Order maker, long quantity, long quote, long takerFee, long makerFee, Sink out) {
        settle(seq, taker, quantity, quote, takerFee, spec.takerRate(), out);
        settle(seq, maker, quantity, quote, makerFee, spec.makerRate(), out);
        move(out, FEE_ACCOUNT, spec.quoteAsset(), takerFee + makerFee, 0, spec.notionalScale(), seq, 0, Leg.FEE);
    }

    /**
     * A listing or a change of the symbol. When the fee rates change, every open buy order's hold is
     * recomputed with the new rates ({@code book} still holds the orders, the spec already changed).
     */
    public void symbolUpdated(long seq, SymbolSpec next, OrderBook book, Sink out) {
        SymbolSpec previous = spec;
        spec = next;
        if (previous == null
                || feeBoundRate(previous) == feeBoundRate(next) && previous.takerRate() == next.takerRate()) {
            return;
        }
        java.util.function.Consumer<Order> rehold = o -> {
            if (o.side() == Side.BUY) {
                long before = hold(previous, o);
                long after = hold(next, o);
                move(out, o, false, before - after, after - before, seq, Leg.HOLD);
            }
        };
        book.forEachOrder(rehold);
        book.waitingStops().forEach(rehold); // they hold what they will need once triggered
    }

    /**
     * Holds every resting order of {@code book} by the same rule as an accepted order, in price-time
     * order (bids best first, then asks), then the waiting stop orders in their trigger order, for a
     * book whose orders were never held (see {@link
     * Leg#MIGRATION_HOLD}). {@code seq} is the book's seq before the command that triggers it: an
     * event processed without settlement, so no other row has that cause.
     */
    public void holdResting(long seq, OrderBook book, Sink out) {
        java.util.function.Consumer<Order> migrate = o -> {
            long h = hold(spec, o);
            move(out, o, o.side() == Side.SELL, -h, h, seq, Leg.MIGRATION_HOLD);
        };
        book.forEachOrder(migrate);
        book.waitingStops().forEach(migrate); // accepted while settlement was off: held as symbolUpdated holds them
    }

    private void settle(long seq, Order o, long quantity, long quote, long fee, long rate, Sink out) {
        // The order before this fill: filled and filledQuote less the fill, and the fee state less
        // this fill's exact fee (quote x rate, in 10^-8 units).
        long high = quote / ONE;
        long low = quote % ONE;
        long lowProduct = low * rate;
        long feeWhole = high * rate + lowProduct / ONE;
        long feeFraction = lowProduct % ONE;
        long floorAfter = o.fees() - (o.feeRemainder() > 0 ? 1 : 0);
        long remBefore = o.feeRemainder() - feeFraction;
        long floorBefore = floorAfter - feeWhole;
        if (remBefore < 0) {
            remBefore += ONE;
            floorBefore--;
        }
        long feesBefore = o.fees() - fee;
        long before = hold(
                spec,
                o.side(),
                o.type(),
                o.price(),
                o.quantity(),
                o.quoteQuantity(),
                o.filled() - quantity,
                o.filledQuote() - quote,
                feesBefore,
                remBefore);
        long after = hold(spec, o);
        if (feesBefore != floorBefore + (remBefore > 0 ? 1 : 0)) {
            throw new IllegalStateException("fee state of order " + o.orderId() + " does not add up: " + o);
        }
        long used = before - after; // leaves the hold
        if (o.side() == Side.BUY) {
            move(out, o, false, used - quote - fee, -used, seq, Leg.TRADE);
            move(out, o, true, quantity, 0, seq, Leg.TRADE);
        } else {
            move(out, o, true, used - quantity, -used, seq, Leg.TRADE);
            move(out, o, false, quote - fee, 0, seq, Leg.TRADE);
        }
    }

    /**
     * What an order in this state holds: a sell its unfilled lots (base asset; a market sell by quote
     * amount the most lots it can still sell: its unsold amount at one tick, at most maxQty); a buy (quote asset)
     * the notional its remainder can still spend, at its limit price (a market buy by quantity: at
     * the symbol's maxPrice; by quote amount: its unspent budget), plus the most fee that notional
     * can add to what the order has paid, at the larger of the two rates (market orders: the taker
     * rate). The fee part follows the engine's rule exactly (paid fees are always
     * {@code ceil(sum of notional x rate)}), so no fill can ever use more than its order holds.
     */
    /**
     * What an order holds now, by the rule below. The two legs of an OCO hold the larger of what each
     * would hold alone: the limit leg its own hold, the waiting stop leg only what it needs beyond
     * that (at most one of them ever trades: the first fill or trigger cancels the other).
     */
    public static long hold(SymbolSpec s, Order o) {
        Order limit = o.ocoLeg();
        long alone = single(s, o);
        return limit == null || !o.type().isStop() ? alone : Math.max(0, alone - single(s, limit));
    }

    /** What an order would hold if it were not an OCO leg. */
    private static long single(SymbolSpec s, Order o) {
        return hold(
                s,
                o.side(),
                o.type(),
                o.price(),
                o.quantity(),
                o.quoteQuantity(),
                o.filled(),
                o.filledQuote(),
                o.fees(),
                o.feeRemainder());
    }

    public static long hold(
            SymbolSpec s,
            Side side,
            OrderType type,
            long price,
            long quantity,
            long quoteQuantity,
            long filled,
            long filledQuote,
            long fees,
            long feeRemainder) {
        if (side == Side.SELL) {
            // A market sell by quote amount sells at most what its unsold amount asks at one tick,
            // and never beyond maxQty (its quantity): the most base it can still give.
            return quoteQuantity == 0
                    ? quantity - filled
                    : Math.min(quantity - filled, (quoteQuantity - filledQuote) / s.notional(1, 1));
        }
        long notional;
        long rate;
        if (type.isMarket()) { // a market order, or a stop order that becomes one
            notional =
                    quoteQuantity != 0 ? quoteQuantity - filledQuote : s.notional(s.maxPriceTicks(), quantity - filled);
            rate = s.takerRate();
        } else {
            notional = s.notional(price, quantity - filled);
            rate = feeBoundRate(s);
        }
        long hold = notional + feeOf(fees, feeRemainder, notional, rate);
        // Only near maxPrice x maxQty can the fee push a hold past 63 bits (a huge market buy by
        // quantity held at maxPrice): it saturates, still more than any fill can use, and every
        // movement is a difference of two holds, so nothing is lost.
        return hold < 0 ? Long.MAX_VALUE : hold;
    }

    /**
     * The fee the engine would charge an order with this fee state for one more fill of {@code
     * notional} at {@code rate}.
     */
    static long feeOf(long fees, long feeRemainder, long notional, long rate) {
        long whole = fees - (feeRemainder > 0 ? 1 : 0);
        long lowProduct = notional % ONE * rate;
        whole += notional / ONE * rate + lowProduct / ONE;
        long fraction = feeRemainder + lowProduct % ONE;
        if (fraction >= ONE) {
            whole++;
            fraction -= ONE;
        }
        return whole + (fraction > 0 ? 1 : 0) - fees;
    }

    private static long feeBoundRate(SymbolSpec s) {
        return Math.max(s.makerRate(), s.takerRate());
    }

    /** @param base whether the movement is in the base asset (lots) or the quote asset (notional units) */
    private void move(Sink out, Order o, boolean base, long available, long held, long seq, Leg leg) {
        move(
                out,
                o.userId(),
                base ? spec.baseAsset() : spec.quoteAsset(),
                available,
                held,
                base ? spec.qtyScale() : spec.notionalScale(),
                seq,
                o.orderId(),
                leg);
    }

    private void move(
            Sink out,
            long account,
            String asset,
            long available,
            long held,
            int scale,
            long seq,
            long orderId,
            Leg leg) {
        if (available != 0 || held != 0) {
            out.movement(new Movement(account, asset, available, held, scale, symbol, seq, orderId, leg));
        }
    }
}
