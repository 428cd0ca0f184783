package io.spotmatch.book;

/**
 * Self-trade prevention, decided by the taker's mode when the taker meets a resting order of
 * the same user (the same semantics as the major spot venues).
 *
 * <p>Append-only: savepoints store its ordinals, so never reorder or remove a constant
 * ({@code StateEnumOrderTest} pins the order).
 */
public enum StpMode {
    /** Self-trades are allowed. */
    NONE,
    /** The taker's remainder is cancelled; the resting order stays. */
    EXPIRE_TAKER,
    /** The resting order is cancelled; the taker keeps matching. */
    EXPIRE_MAKER,
    /** Both are cancelled: first the resting order, then the taker's remainder. */
    EXPIRE_BOTH,
    /**
     * Both lose the quantity they would have traded with each other: the one with less is cancelled
     * (both when equal, the resting order first), the other keeps the rest and its place.
     */
    DECREMENT
}
