package io.spotmatch.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import io.spotmatch.book.SymbolSpec;
import io.spotmatch.ledger.FundsCommand;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * The funds topic's JSON: {@code {"type":"DEPOSIT","txId":"dep-1","userId":7,"asset":"USDT","amount":"100.5"}},
 * keyed by the user id in decimal. What is not such a record is poison (the same codes as the
 * orders topic); a well-formed command with an amount or asset the ledger refuses is a command,
 * answered with a REJECTED result.
 */
public final class FundsJson {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public static final int MAX_TX_ID_LENGTH = 64;

    private FundsJson() {}

    public static FundsCommand parse(byte[] key, byte[] value, int maxBytes) throws PoisonException {
        if (value == null || value.length == 0) {
            throw new PoisonException(PoisonCode.INVALID_JSON, "the record has no value");
        }
        if (value.length > maxBytes) {
            throw new PoisonException(
                    PoisonCode.OVERSIZE, "value is " + value.length + " bytes, the limit is " + maxBytes);
        }
        FundsCommand.Type type = null;
        boolean sawType = false;
        String txId = null;
        Long userId = null;
        String asset = null;
        BigDecimal amount = null;
        try (JsonParser p = JSON.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new PoisonException(PoisonCode.NOT_AN_OBJECT, "expected a JSON object");
            }
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.VALUE_NULL) {
                    sawType |= name.equals("type");
                    continue;
                }
                switch (name) {
                    case "type" -> {
                        sawType = true;
                        String s = JsonFields.text(p, t, name);
                        try {
                            type = FundsCommand.Type.valueOf(s);
                        } catch (IllegalArgumentException e) {
                            throw new PoisonException(
                                    PoisonCode.UNKNOWN_TYPE,
                                    "unknown funds type '" + s + "' (DEPOSIT, WITHDRAW, ADJUST)");
                        }
                    }
                    case "txId" -> txId = txId(JsonFields.text(p, t, name));
                    case "userId" -> userId = JsonFields.positiveLong(p, t, name);
                    case "asset" -> {
                        asset = JsonFields.text(p, t, name);
                        if (!SymbolSpec.isValidAsset(asset)) {
                            throw new PoisonException(
                                    PoisonCode.INVALID_FIELD,
                                    "'asset' must be 1 to " + SymbolSpec.MAX_ASSET_LENGTH
                                            + " letters, digits or . _ -");
                        }
                    }
                    case "amount" -> amount = JsonFields.decimal(p, t, name).toBigDecimal();
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new PoisonException(PoisonCode.INVALID_JSON, "content after the JSON object");
            }
        } catch (JsonParseException | InputCoercionException e) {
            throw new PoisonException(PoisonCode.INVALID_JSON, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PoisonException(PoisonCode.INVALID_JSON, "not valid JSON: " + e.getMessage());
        }
        if (type == null) {
            throw new PoisonException(PoisonCode.UNKNOWN_TYPE, sawType ? "type is null" : "no 'type' field");
        }
        JsonFields.require(txId, "txId");
        JsonFields.require(userId, "userId");
        JsonFields.require(asset, "asset");
        JsonFields.require(amount, "amount");
        String expected = Long.toString(userId);
        if (key == null || !expected.equals(new String(key, StandardCharsets.UTF_8))) {
            throw new PoisonException(
                    PoisonCode.KEY_USER_MISMATCH,
                    key == null
                            ? "the record has no key; the key must be the userId " + expected
                            : "key '" + new String(key, StandardCharsets.UTF_8) + "' is not the userId " + expected);
        }
        return new FundsCommand(type, txId, userId, asset, amount);
    }

    /** Transaction ids reach the ledger table's key: 1 to 64 letters, digits and . _ - : / only. */
    private static String txId(String s) throws PoisonException {
        boolean ok = !s.isEmpty() && s.length() <= MAX_TX_ID_LENGTH;
        for (int i = 0; ok && i < s.length(); i++) {
            char c = s.charAt(i);
            ok = c >= 'A' && c <= 'Z'
                    || c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9'
                    || c == '.'
                    || c == '_'
                    || c == '-'
                    || c == ':'
                    || c == '/';
        }
        if (!ok) {
            throw new PoisonException(
                    PoisonCode.INVALID_FIELD,
                    "'txId' must be 1 to " + MAX_TX_ID_LENGTH + " letters, digits or . _ - : /");
        }
        return s;
    }

    // ---- The balances topic ----

    /** One balance after a change: what gateways check orders against. */
    public static byte[] balance(
            long account,
            String asset,
            BigDecimal available,
            BigDecimal held,
            long version,
            String symbol,
            long seq,
            String txId) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"type\":\"BALANCE\",\"userId\":").append(account).append(",\"asset\":");
        Json.string(sb, asset);
        sb.append(",\"available\":\"")
                .append(plain(available))
                .append("\",\"held\":\"")
                .append(plain(held))
                .append("\",\"version\":")
                .append(version);
        if (txId != null) {
            sb.append(",\"txId\":");
            Json.string(sb, txId);
        } else {
            sb.append(",\"symbol\":");
            Json.string(sb, symbol);
            sb.append(",\"seq\":").append(seq);
        }
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** What became of a funds command: APPLIED, DUPLICATE (its txId was applied before) or REJECTED with a reason. */
    public static byte[] result(FundsCommand c, String status, FundsCommand.RejectReason reason) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"type\":\"FUNDS\",\"userId\":").append(c.userId()).append(",\"txId\":");
        Json.string(sb, c.txId());
        sb.append(",\"fundsType\":\"").append(c.type().name()).append("\",\"asset\":");
        Json.string(sb, c.asset());
        sb.append(",\"amount\":\"")
                .append(plain(c.amount()))
                .append("\",\"status\":\"")
                .append(status)
                .append('"');
        if (reason != null) {
            sb.append(",\"reason\":\"").append(reason.name()).append('"');
        }
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Without trailing zeros: the same value prints the same whatever scale the sum was computed at. */
    public static String plain(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
}
