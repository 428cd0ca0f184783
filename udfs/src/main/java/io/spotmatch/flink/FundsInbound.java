package io.spotmatch.flink;

import io.spotmatch.ledger.FundsCommand;

/**
 * What the funds-topic reader produces for each record: a funds command or a dead letter, never both,
 * and the record's position (for the history guard).
 */
public record FundsInbound(FundsCommand command, DeadLetter deadLetter, int partition, long offset)
        implements TopicRecord<FundsCommand> {}
