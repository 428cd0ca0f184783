package io.spotmatch.book;

public enum TimeInForce {
    /** Good till cancelled: the remainder rests in the book. */
    GTC,
    /** Immediate or cancel: the remainder is cancelled with IOC_REMAINDER. */
    IOC,
    /** Fill or kill: fills completely right now or does nothing at all. */
    FOK
}
