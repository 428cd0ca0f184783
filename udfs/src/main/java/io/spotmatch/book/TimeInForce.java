package io.spotmatch.book;

/**
 * What happens to the part of an order that does not trade at once.
 *
 * <p>Append-only: savepoints store its ordinals, so never reorder or remove a constant
 * ({@code StateEnumOrderTest} pins the order).
 */
public enum TimeInForce {
    /** Good till cancelled: the remainder rests in the book. */
    GTC,
    /** Immediate or cancel: the remainder is cancelled with IOC_REMAINDER. */
    IOC,
    /** Fill or kill: fills completely right now or does nothing at all. */
    FOK,
    /** Good till date: rests like GTC until the first command whose time reaches its expireTime. */
    GTD
}
