package io.spotmatch.flink;

/**
 * What a topic reader produces for each record: a command or a dead letter, never both, and the
 * record's position (the history guard in {@link RouteDeadLetters} needs it for both).
 */
public interface TopicRecord<C> {
    C command();

    DeadLetter deadLetter();

    int partition();

    long offset();
}
