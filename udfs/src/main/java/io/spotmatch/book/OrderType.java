package io.spotmatch.book;

/**
 * How an order trades.
 *
 * <p>Append-only: savepoints store its ordinals, so never reorder or remove a constant
 * ({@code StateEnumOrderTest} pins the order).
 */
public enum OrderType {
    /** Trades at its limit price or better; the remainder follows its time in force. */
    LIMIT(false, false),
    /** Trades at whatever the book offers, by base quantity or (buy only) by quote amount. */
    MARKET(false, true),
    /** Post-only limit: cancelled with POST_ONLY_WOULD_TRADE instead of taking liquidity. */
    LIMIT_MAKER(false, false),
    /** Waits outside the book; a MARKET order once the last trade price reaches its stop price against it. */
    STOP_LOSS(true, true),
    /** Waits outside the book; a LIMIT order once the last trade price reaches its stop price against it. */
    STOP_LOSS_LIMIT(true, false),
    /** Waits outside the book; a MARKET order once the last trade price reaches its stop price in its favour. */
    TAKE_PROFIT(true, true),
    /** Waits outside the book; a LIMIT order once the last trade price reaches its stop price in its favour. */
    TAKE_PROFIT_LIMIT(true, false),
    /**
     * Only a NEW command's type, never an order's: one-cancels-the-other, a LIMIT leg and a STOP_LOSS
     * (or STOP_LOSS_LIMIT) leg of the same side and quantity, placed as two orders.
     */
    OCO(false, false);

    // Fields, not switches over the type: every cancel and every NEW asks, on the matching hot path.
    private final boolean stop;
    private final boolean market;

    OrderType(boolean stop, boolean market) {
        this.stop = stop;
        this.market = market;
    }

    /** What a stop order becomes when it triggers; every other type is itself. */
    public OrderType triggered() {
        return switch (this) {
            case STOP_LOSS, TAKE_PROFIT -> MARKET;
            case STOP_LOSS_LIMIT, TAKE_PROFIT_LIMIT -> LIMIT;
            default -> this;
        };
    }

    /** A stop or take-profit order, waiting for its trigger. */
    public boolean isStop() {
        return stop;
    }

    /** Trades (or will trade) as a market order: no limit price. */
    public boolean isMarket() {
        return market;
    }
}
