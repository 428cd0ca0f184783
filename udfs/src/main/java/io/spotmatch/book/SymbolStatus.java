package io.spotmatch.book;

/**
 * What a symbol accepts.
 *
 * <p>Append-only: savepoints store its ordinals, so never reorder or remove a constant
 * ({@code StateEnumOrderTest} pins the order).
 */
public enum SymbolStatus {
    /** Every command is accepted. */
    TRADING,
    /** Only CANCEL and CANCEL_ALL are accepted; NEW and AMEND are rejected SYMBOL_CANCEL_ONLY. */
    CANCEL_ONLY,
    /** Everything but SYMBOL is rejected SYMBOL_HALTED; the book is frozen as it is. */
    HALTED
}
