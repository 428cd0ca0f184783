package io.spotmatch.book;

/** Why a command was refused. A rejected command changes nothing but the sequence number. */
public enum RejectReason {
    /** No SYMBOL command has listed this symbol yet. */
    UNKNOWN_SYMBOL,
    /** The symbol is HALTED. */
    SYMBOL_HALTED,
    /** The symbol is CANCEL_ONLY and the command is a NEW or AMEND. */
    SYMBOL_CANCEL_ONLY,
    /** The order id is not above the highest order id this symbol has accepted. */
    DUPLICATE_ORDER_ID,
    /**
     * The order id is above {@link OrderBook#MAX_ORDER_ID} or more than {@link
     * OrderBook#MAX_ORDER_ID_STEP} above the highest accepted.
     */
    ORDER_ID_OUT_OF_RANGE,
    /** No open order with this id on this symbol. */
    UNKNOWN_ORDER,
    /** The order belongs to another user. */
    NOT_OWNER,
    /** Price missing where required, zero, negative, off the tick grid, or above maxPrice. */
    INVALID_PRICE,
    /**
     * Quantity zero, negative, off the step grid, below minQty, above maxQty, or not above the filled
     * quantity (AMEND).
     */
    INVALID_QUANTITY,
    /** price x quantity (or the quote amount of a market buy) below minNotional. */
    MIN_NOTIONAL,
    /**
     * A combination the engine does not support: MARKET with GTC/FOK, LIMIT_MAKER with IOC/FOK, a sell
     * by quote amount, amending a non-limit order.
     */
    INVALID_ORDER,
    /** A SYMBOL command with a missing, malformed, inconsistent or immutable field. */
    INVALID_SPEC,
    /** price x quantity (or the quote amount of a market order) above the symbol's maxNotional. */
    MAX_NOTIONAL,
    /** A market order by quantity above the symbol's marketMaxQty. */
    MARKET_LOT_SIZE,
    /** A NEW that could rest while its user already has the symbol's maxOpenOrders resting. */
    MAX_OPEN_ORDERS,
    /** A limit price (new or amended) further from the last trade price than the symbol's price band. */
    PRICE_OUT_OF_BAND,
    /** A NEW whose client order id its user already has on an open order or a recently closed one. */
    DUPLICATE_CLIENT_ORDER_ID,
    /** A GTD order without an expireTime after its command's time, or another order with one. */
    INVALID_EXPIRE_TIME,
    /** A stop order whose stop price the last trade price already reached: it would trigger at once. */
    STOP_WOULD_TRIGGER,
    /**
     * An icebergQuantity on an order that cannot be an iceberg (not a LIMIT or LIMIT_MAKER that can
     * rest: GTC or GTD; an OCO; an AMEND), or one that is not a multiple of the step, below minQty, or
     * not strictly less than the order's quantity.
     */
    INVALID_ICEBERG
}
