package io.spotmatch.flink;

/** What the orders-topic reader produces for each record: a command or a dead letter, never both. */
public record Inbound(SymbolCommand command, DeadLetter deadLetter) {
}
