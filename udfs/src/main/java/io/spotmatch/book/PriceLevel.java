package io.spotmatch.book;

/** One price of one side of the heap book: a FIFO of resting orders and their open total. */
final class PriceLevel {
    long price;
    /** Sum of the remaining lots of the orders at this level. */
    long quantity;

    int orders;
    Order head;
    Order tail;
    /** Position in the side's heap array, kept current by every heap move. */
    int heapIndex;
    /** Already in its side's list of levels the current command changed. */
    boolean touched;
}
