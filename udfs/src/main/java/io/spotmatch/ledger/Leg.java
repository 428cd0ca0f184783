package io.spotmatch.ledger;

/**
 * Why a balance moved. Stored by name in the ledger table: append only, never rename or reuse.
 */
public enum Leg {
    /** Funds put aside for an open order (accepted, amended, or re-held after a fee-rate change). */
    HOLD,
    /** What an order still held, given back when it closed (cancelled, IOC/FOK remainder) or was decremented. */
    RELEASE,
    /** One side of a fill: what the order gave from its hold (and the excess released), or what it received. */
    TRADE,
    /** Fees of a fill, credited to the fee account. */
    FEE,
    DEPOSIT,
    WITHDRAW,
    ADJUST,
    /**
     * Funds put aside for an order that was resting before settlement held it (a book restored from
     * before settlement, or after commands processed with settlement off), at its symbol's first
     * command with settlement on: what the order would hold had it been held from its acceptance.
     */
    MIGRATION_HOLD
}
