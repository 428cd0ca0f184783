package io.spotmatch.book;

/** One aggregated price level: price in ticks, total open quantity in lots, number of orders. */
public record L2Level(long price, long quantity, int orders) {}
