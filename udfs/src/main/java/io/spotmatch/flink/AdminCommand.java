package io.spotmatch.flink;

/**
 * What the admin-topic reader produces for each record: a SYMBOL command to relay onto the orders
 * topic (its original key, value and timestamp, and where it was read), or a dead letter.
 */
public record AdminCommand(byte[] key, byte[] value, long timestamp, String source, DeadLetter deadLetter) {}
