package io.spotmatch.wire;

/** Why a record on the orders topic could not be read as a command; it goes to the dead-letter topic. */
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
    /** The Kafka record timestamp is missing (-1), negative, or after 9999-12-31: it would be a trade's time. */
    INVALID_TIMESTAMP,
    /** The reader itself failed; the record is kept so nothing is lost. */
    INTERNAL_ERROR
}
