package io.spotmatch.ledger;

import java.math.BigDecimal;

/**
 * A command of the funds topic: money into or out of a user's available balance. {@code txId}
 * makes it idempotent per user: the same user's same txId applied twice changes nothing.
 *
 * @param amount as written on the wire (exact); DEPOSIT and WITHDRAW need it positive, ADJUST non-zero
 */
public record FundsCommand(Type type, String txId, long userId, String asset, BigDecimal amount) {

    /** Stored by name: append only. */
    public enum Type {
        DEPOSIT,
        WITHDRAW,
        /** An operator's correction, positive or negative. */
        ADJUST
    }

    /** What the available balance changes by. */
    public BigDecimal delta() {
        return type == Type.WITHDRAW ? amount.negate() : amount;
    }

    /** Why a well-formed funds command changed nothing. Stored by name: append only. */
    public enum RejectReason {
        /** DEPOSIT or WITHDRAW with an amount that is not positive, ADJUST with 0. */
        INVALID_AMOUNT,
        /** The asset is not one of --funds.assets. */
        UNKNOWN_ASSET
    }
}
