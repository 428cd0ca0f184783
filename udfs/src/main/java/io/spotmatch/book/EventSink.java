package io.spotmatch.book;

/**
 * Receives a book's output events, in order, while {@link OrderBook#process} runs. Every event
 * carries the symbol's next sequence number. Callbacks take primitives and live objects rather
 * than event objects so the hot path allocates nothing; an {@link Order} passed in reflects the
 * order at the moment of the event and must not be kept after {@code process} returns, because
 * the book reuses order objects.
 *
 * <p>Units: prices in ticks, quantities in lots, quote quantities and fees in notional units of
 * the book's {@link SymbolSpec}.
 */
public interface EventSink {

    /** A NEW order passed validation; its id is now used. */
    void accepted(long seq, Order order);

    /**
     * A fill between the incoming (taker) order and a resting (maker) order, at the maker's price.
     * Both orders already include this fill.
     */
    void trade(
            long seq,
            long tradeId,
            Order taker,
            Order maker,
            long price,
            long quantity,
            long quoteQuantity,
            long takerFee,
            long makerFee);

    /** The order left the book, or never entered it; {@code order.remaining()} is what was cancelled. */
    void cancelled(long seq, Order order, CancelReason reason);

    /**
     * A CANCEL_ALL is done: after the {@link #cancelled} event of each of the user's open orders,
     * {@code count} of them (possibly 0).
     */
    void cancelledAll(long seq, long userId, int count);

    /**
     * An AMEND applied. When the price changed or the quantity grew, the order lost its time priority
     * and may trade next.
     */
    void amended(long seq, Order order, long previousPrice, long previousQuantity, boolean priorityKept);

    /**
     * Self-trade prevention {@link StpMode#DECREMENT} lowered an order (the incoming one or a resting
     * one, which keeps its place) by what it would have traded with an order of its own user: its
     * total quantity, or the amount of a market order by quote amount, was {@code previousQuantity}
     * ({@code previousQuoteQuantity}) and is now the order's.
     */
    void decremented(long seq, Order order, long previousQuantity, long previousQuoteQuantity);

    /**
     * A stop order's trigger was reached: it is now the MARKET or LIMIT order of its type (its type
     * already says which) and trades next as an incoming order.
     */
    void triggered(long seq, Order order);

    /**
     * The command changed nothing; {@code seq} is 0 for a symbol that is not listed (its sequence
     * starts at the listing).
     */
    void rejected(long seq, Command command, RejectReason reason);

    /** A SYMBOL command listed or changed the symbol. */
    void symbolUpdated(long seq, SymbolSpec spec);
}
