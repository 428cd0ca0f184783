package io.spotmatch.flink;

/**
 * What the orders-topic reader produces for each record: a command or a dead letter, never both,
 * and the record's position (the history guard in {@link RouteDeadLetters} needs it for commands too).
 */
public record Inbound(SymbolCommand command, DeadLetter deadLetter, int partition, long offset)
        implements TopicRecord<SymbolCommand> {}
