package io.spotmatch.book;

/** One price of one side of the heap book: a FIFO of resting orders and their open total. */
final class PriceLevel {
    long price;
    /** Sum of the remaining lots of the orders at this level, icebergs' hidden reserves included. */
    long quantity;
    /** Sum of the hidden reserves of the icebergs at this level: in {@link #quantity}, not in the market data. */
    long hidden;

    int orders;
    Order head;
    Order tail;
    /** Position in the side's heap array, kept current by every heap move. */
    int heapIndex;
    /** Already in its side's list of levels the current command changed. */
    boolean touched;
}
