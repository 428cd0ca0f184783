package io.spotmatch.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.spotmatch.book.Decimal;
import io.spotmatch.book.SymbolSpec;
import java.io.IOException;

/** Field readers shared by the topics' readers: each wrong field is poison with the code that says why. */
final class JsonFields {

    private JsonFields() {}

    static void require(Object value, String name) throws PoisonException {
        if (value == null) {
            throw new PoisonException(PoisonCode.MISSING_FIELD, "missing '" + name + "'");
        }
    }

    static String text(JsonParser p, JsonToken t, String name) throws IOException, PoisonException {
        if (t != JsonToken.VALUE_STRING) {
            throw new PoisonException(PoisonCode.INVALID_FIELD, "'" + name + "' must be a string");
        }
        return p.getText();
    }

    /** A malformed asset name is poison, like a malformed symbol: see {@link SymbolSpec#isValidAsset}. */
    static String asset(JsonParser p, JsonToken t, String name) throws IOException, PoisonException {
        String s = text(p, t, name);
        if (!SymbolSpec.isValidAsset(s)) {
            throw new PoisonException(
                    PoisonCode.INVALID_FIELD,
                    "'" + name + "' must be 1 to " + SymbolSpec.MAX_ASSET_LENGTH + " letters, digits or . _ -");
        }
        return s;
    }

    static <E extends Enum<E>> E enumValue(Class<E> type, JsonParser p, JsonToken t, String name)
            throws IOException, PoisonException {
        String s = text(p, t, name);
        try {
            return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
            throw new PoisonException(PoisonCode.INVALID_FIELD, "'" + name + "' cannot be '" + s + "'");
        }
    }

    static long positiveLong(JsonParser p, JsonToken t, String name) throws IOException, PoisonException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw new PoisonException(PoisonCode.INVALID_FIELD, "'" + name + "' must be an integer");
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new PoisonException(PoisonCode.OUT_OF_RANGE, "'" + name + "' does not fit 64 bits");
        }
        long v = p.getLongValue();
        if (v <= 0) {
            throw new PoisonException(PoisonCode.INVALID_FIELD, "'" + name + "' must be positive");
        }
        return v;
    }

    static Decimal decimal(JsonParser p, JsonToken t, String name) throws IOException, PoisonException {
        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new PoisonException(PoisonCode.INVALID_FIELD, "'" + name + "' must be a decimal string");
        }
        try {
            return Decimal.parse(p.getText());
        } catch (Decimal.OutOfRangeException e) {
            throw new PoisonException(PoisonCode.OUT_OF_RANGE, "'" + name + "': " + e.getMessage());
        } catch (NumberFormatException e) {
            throw new PoisonException(PoisonCode.INVALID_DECIMAL, "'" + name + "': " + e.getMessage());
        }
    }
}
