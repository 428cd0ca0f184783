package io.spotmatch.book;

public enum CommandType {
    NEW,
    CANCEL,
    AMEND,
    CANCEL_ALL,
    SYMBOL
}
