package io.spotmatch.book;

public enum SymbolStatus {
    /** Every command is accepted. */
    TRADING,
    /** Only CANCEL and CANCEL_ALL are accepted; NEW and AMEND are rejected SYMBOL_CANCEL_ONLY. */
    CANCEL_ONLY,
    /** Everything but SYMBOL is rejected SYMBOL_HALTED; the book is frozen as it is. */
    HALTED
}
