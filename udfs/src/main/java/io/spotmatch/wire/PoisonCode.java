package io.spotmatch.wire;

/** Why a record on the orders (or admin) topic could not be read as a command; it goes to the dead-letter topic. */
public enum PoisonCode {
    /** Not parseable JSON, trailing content, duplicate fields, or no value at all (tombstone). */
    INVALID_JSON,
    /** JSON, but not an object. */
    NOT_AN_OBJECT,
    /** No {@code type}, or not one of NEW, CANCEL, AMEND, CANCEL_ALL, SYMBOL. */
    UNKNOWN_TYPE,
    /** A field this command type needs is absent (or null). */
    MISSING_FIELD,
    /** A field of the wrong JSON type, an unknown enum value, a non-positive id, a malformed symbol. */
    INVALID_FIELD,
    /** A price, quantity or rate that is not a plain decimal (exponents, NaN and Infinity included). */
    INVALID_DECIMAL,
    /** A number too big for the engine: ids beyond 64 bits, decimals beyond 18 digits or 18 decimals. */
    OUT_OF_RANGE,
    /** The value is larger than the configured limit. */
    OVERSIZE,
    /** The Kafka key is missing or is not the command's symbol, so the record may be on the wrong partition. */
    KEY_SYMBOL_MISMATCH,
    /** A SYMBOL command on the orders topic without the relay's headers: admin commands go to the admin topic. */
    ADMIN_ON_ORDERS_TOPIC,
    /** A SYMBOL command whose relay signature does not match (forged, altered, or another key), or a bad source. */
    INVALID_ADMIN_SIGNATURE,
    /** An order command (not SYMBOL) carrying the relay's admin headers. */
    ADMIN_HEADERS_ON_ORDER,
    /** A command on the admin topic that is not a SYMBOL command. */
    NOT_AN_ADMIN_COMMAND,
    /** The Kafka record timestamp is missing (-1), negative, or after 9999-12-31: it would be a trade's time. */
    INVALID_TIMESTAMP,
    /** The reader itself failed; the record is kept so nothing is lost. */
    INTERNAL_ERROR,
    /**
     * A symbol's command came from another partition of the orders topic than the one the symbol is
     * bound to; it never reached the book. The value is the command re-encoded, the key the symbol.
     */
    WRONG_PARTITION,
    /**
     * The matching engine failed on this command; the symbol is HALTED with its book as before the
     * command. The value is the command re-encoded, the key the symbol.
     */
    ENGINE_ERROR,
    /** A record of the funds topic whose Kafka key is missing or is not its userId (per-user order rests on it). */
    KEY_USER_MISMATCH
}
