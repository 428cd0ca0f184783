package io.spotmatch.book;

/** The side of an order: a bid buys the base asset, an ask sells it. */
public enum Side {
    BUY,
    SELL;

    public Side opposite() {
        return this == BUY ? SELL : BUY;
    }
}
