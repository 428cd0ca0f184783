package io.spotmatch.book;

/**
 * How an order trades.
 *
 * <p>Append-only: savepoints store its ordinals, so never reorder or remove a constant
 * ({@code StateEnumOrderTest} pins the order).
 */
public enum OrderType {
    /** Trades at its limit price or better; the remainder follows its time in force. */
    LIMIT,
    /** Trades at whatever the book offers, by base quantity or (buy only) by quote amount. */
    MARKET,
    /** Post-only limit: cancelled with POST_ONLY_WOULD_TRADE instead of taking liquidity. */
    LIMIT_MAKER
}
