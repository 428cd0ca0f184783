package io.spotmatch.book;

public enum OrderStatus {
    NEW,
    PARTIALLY_FILLED,
    FILLED,
    CANCELLED;

    /** Resting or about to rest: the order can still trade. */
    public boolean isOpen() {
        return this == NEW || this == PARTIALLY_FILLED;
    }
}
