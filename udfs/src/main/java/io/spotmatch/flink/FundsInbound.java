package io.spotmatch.flink;

import io.spotmatch.ledger.FundsCommand;

/** What the funds-topic reader produces for each record: a funds command or a dead letter, never both. */
public record FundsInbound(FundsCommand command, DeadLetter deadLetter) {
}
