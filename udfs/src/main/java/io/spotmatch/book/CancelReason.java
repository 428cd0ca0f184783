package io.spotmatch.book;

public enum CancelReason {
    /** CANCEL by the order's owner. */
    USER,
    /** The unfilled remainder of an IOC limit order. */
    IOC_REMAINDER,
    /** A FOK order that could not fill completely; it did not trade and the book did not change. */
    FOK_NOT_FILLABLE,
    /** The unfilled remainder of a market order: the opposite side ran out. */
    MARKET_NO_LIQUIDITY,
    /** A LIMIT_MAKER order (new or amended) that would have taken liquidity. */
    POST_ONLY_WOULD_TRADE,
    /** Cancelled by self-trade prevention (taker remainder or resting order). */
    SELF_TRADE_PREVENTED,
    /** CANCEL_ALL by the order's owner. */
    CANCEL_ALL,
    /** The operator wiped the book with a SYMBOL command carrying cancelOpenOrders. */
    HALTED,
    /** A market order stopped at the edge of the symbol's price band: the best price left is past it. */
    PRICE_BAND,
    /** A GTD order whose expireTime a command's time reached (cancelled before that command). */
    EXPIRED,
    /** The other leg of its OCO filled (any fill), was lowered by DECREMENT, triggered or was cancelled. */
    OCO
}
