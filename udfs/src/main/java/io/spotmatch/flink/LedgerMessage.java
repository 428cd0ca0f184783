package io.spotmatch.flink;

/** A record for the balances topic: a balance after a change, or what became of a funds command. Key: the user id. */
public record LedgerMessage(byte[] key, byte[] value) {}
