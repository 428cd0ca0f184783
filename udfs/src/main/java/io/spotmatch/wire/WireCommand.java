package io.spotmatch.wire;

import io.spotmatch.book.Command;

/** A command read from the orders topic, with the symbol whose book it goes to. */
public record WireCommand(String symbol, Command command) {}
