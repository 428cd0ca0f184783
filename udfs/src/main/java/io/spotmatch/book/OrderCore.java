package io.spotmatch.book;

/**
 * The fields of an {@link Order} that matching reads or writes for plain orders. They live apart
 * because HotSpot lays out a superclass's fields before its subclass's: so they stay together at
 * the front of the object, and the fields only stop, GTD, OCO and client-id orders use (in {@link
 * Order}) cost a plain order's command no cache line.
 */
abstract class OrderCore {

    long orderId;
    long userId;
    Side side;
    OrderType type;
    TimeInForce timeInForce;
    StpMode stp;
    /** Limit price in ticks; 0 for a market order. */
    long price;
    /**
     * Total quantity in lots (original, or as amended); 0 for a market buy by quote amount, the
     * symbol's maxQty (the most it may sell) for a market sell by quote amount.
     */
    long quantity;
    /**
     * Quote amount in notional units of a market order by quote amount (a buy spends at most that
     * much, a sell receives at most that much before fees); 0 otherwise.
     */
    long quoteQuantity;

    long filled;
    long filledQuote;
    long fees;
    /** Fee owed but not yet charged, in 10^-8 notional units: what keeps per-fill rounding from drifting. */
    long feeRemainder;
    /** Time priority inside a price level: the sequence number of the event that placed the order there. */
    long priority;

    OrderStatus status;

    /** The other leg of this order's OCO while both are open, else null (the live link of ocoOrderId). */
    Order ocoLeg;

    /** An iceberg order's display quantity in lots (each visible slice at most that); 0 for every other order. */
    long displayQty;

    /** A resting iceberg's lots left in its visible slice; 0 for every other order (and an iceberg not resting). */
    long visible;

    /** The engine's key of the client order id (user and id), or null: kept so closing it allocates nothing. */
    String clientKey;

    // Heap book links: the level FIFO and the owner's open-order list.
    Order prev;
    Order next;
    PriceLevel level;
    Order userPrev;
    Order userNext;
}
