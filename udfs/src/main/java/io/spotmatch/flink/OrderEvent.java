package io.spotmatch.flink;

/** One event of the order-events topic: the symbol is the Kafka key, the JSON the value. */
public record OrderEvent(String symbol, long seq, byte[] json) {}
