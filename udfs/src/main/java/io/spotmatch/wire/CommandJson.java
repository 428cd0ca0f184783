package io.spotmatch.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import io.spotmatch.book.Command;
import io.spotmatch.book.CommandType;
import io.spotmatch.book.Decimal;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.SymbolSpec;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The orders topic's JSON, both ways. Reading separates poison (the record is not a well-formed
 * command: {@link PoisonException}) from business problems, which are left to the engine to
 * reject: a well-formed NEW with an off-tick price is a command, and gets a REJECTED event.
 *
 * <p>Prices, quantities and rates are decimal strings; plain JSON numbers are accepted too and
 * read from their literal text, never through a double. Unknown fields are ignored so producers
 * can add fields before the job knows them; duplicate fields are poison.
 */
public final class CommandJson {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Symbols are keys, topic-safe and SQL-safe: letters, digits and . _ - / only. */
    static final int MAX_SYMBOL_LENGTH = 32;

    private CommandJson() {}

    /**
     * Reads one record of the orders topic.
     *
     * @param key the record key, which must be the symbol in UTF-8
     * @param maxBytes the largest value accepted
     */
    public static WireCommand parse(byte[] key, byte[] value, int maxBytes) throws PoisonException {
        if (value == null || value.length == 0) {
            throw new PoisonException(PoisonCode.INVALID_JSON, "the record has no value");
        }
        if (value.length > maxBytes) {
            throw new PoisonException(
                    PoisonCode.OVERSIZE, "value is " + value.length + " bytes, the limit is " + maxBytes);
        }
        Fields f;
        try (JsonParser p = JSON.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new PoisonException(PoisonCode.NOT_AN_OBJECT, "expected a JSON object, found " + describe(first));
            }
            f = readFields(p);
            if (p.nextToken() != null) {
                throw new PoisonException(PoisonCode.INVALID_JSON, "content after the JSON object");
            }
        } catch (JsonParseException | InputCoercionException e) {
            throw new PoisonException(PoisonCode.INVALID_JSON, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PoisonException(PoisonCode.INVALID_JSON, "not valid JSON: " + e.getMessage());
        }
        Command command = f.toCommand();
        checkSymbol(f.symbol);
        if (key == null || !Arrays.equals(key, f.symbol.getBytes(StandardCharsets.UTF_8))) {
            throw new PoisonException(
                    PoisonCode.KEY_SYMBOL_MISMATCH,
                    key == null
                            ? "the record has no key; the key must be the symbol " + f.symbol
                            : "key '" + new String(key, StandardCharsets.UTF_8) + "' is not the symbol '" + f.symbol
                                    + "'");
        }
        return new WireCommand(f.symbol, command);
    }

    private static String describe(JsonToken t) {
        return t == null ? "nothing" : t.asString() != null ? t.asString() : t.name();
    }

    static void checkSymbol(String symbol) throws PoisonException {
        if (symbol.isEmpty() || symbol.length() > MAX_SYMBOL_LENGTH) {
            throw new PoisonException(
                    PoisonCode.INVALID_FIELD, "symbol must have 1 to " + MAX_SYMBOL_LENGTH + " characters");
        }
        for (int i = 0; i < symbol.length(); i++) {
            char c = symbol.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z'
                    || c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9'
                    || c == '.'
                    || c == '_'
                    || c == '-'
                    || c == '/';
            if (!ok) {
                throw new PoisonException(PoisonCode.INVALID_FIELD, "symbol may hold letters, digits and . _ - / only");
            }
        }
    }

    /** Everything a command may carry, as read. */
    private static final class Fields {
        CommandType type;
        String symbol;
        Long orderId;
        Long userId;
        Side side;
        OrderType orderType;
        TimeInForce timeInForce;
        Decimal price;
        Decimal quantity;
        Decimal quoteQuantity;
        StpMode stp;
        String baseAsset;
        String quoteAsset;
        Decimal tickSize;
        Decimal stepSize;
        Decimal minQty;
        Decimal minNotional;
        Decimal maxPrice;
        Decimal maxQty;
        Decimal makerFeeRate;
        Decimal takerFeeRate;
        SymbolStatus status;
        StpMode defaultStp;
        boolean cancelOpenOrders;
        boolean sawType;

        Command toCommand() throws PoisonException {
            if (type == null) {
                throw new PoisonException(PoisonCode.UNKNOWN_TYPE, sawType ? "type is null" : "no 'type' field");
            }
            require(symbol, "symbol");
            switch (type) {
                case NEW -> {
                    require(orderId, "orderId");
                    require(userId, "userId");
                    require(side, "side");
                    require(orderType, "orderType");
                    if (orderType == OrderType.MARKET) {
                        if (quantity == null && quoteQuantity == null) {
                            throw new PoisonException(
                                    PoisonCode.MISSING_FIELD, "a MARKET order needs 'quantity' or 'quoteQuantity'");
                        }
                    } else {
                        require(price, "price");
                        require(quantity, "quantity");
                    }
                    return new Command(
                            type,
                            orderId,
                            userId,
                            side,
                            orderType,
                            timeInForce,
                            price,
                            quantity,
                            quoteQuantity,
                            stp,
                            null);
                }
                case CANCEL -> {
                    require(orderId, "orderId");
                    require(userId, "userId");
                    return Command.cancel(orderId, userId);
                }
                case AMEND -> {
                    require(orderId, "orderId");
                    require(userId, "userId");
                    if (price == null && quantity == null) {
                        throw new PoisonException(PoisonCode.MISSING_FIELD, "an AMEND needs 'price' or 'quantity'");
                    }
                    return new Command(type, orderId, userId, null, null, null, price, quantity, null, null, null);
                }
                case CANCEL_ALL -> {
                    require(userId, "userId");
                    return Command.cancelAll(userId);
                }
                case SYMBOL -> {
                    return Command.symbol(new SymbolUpdate(
                            baseAsset,
                            quoteAsset,
                            tickSize,
                            stepSize,
                            minQty,
                            minNotional,
                            maxPrice,
                            maxQty,
                            makerFeeRate,
                            takerFeeRate,
                            status,
                            defaultStp,
                            cancelOpenOrders));
                }
                default -> throw new IllegalStateException(type.name());
            }
        }

        private static void require(Object value, String name) throws PoisonException {
            if (value == null) {
                throw new PoisonException(PoisonCode.MISSING_FIELD, "missing '" + name + "'");
            }
        }
    }

    private static Fields readFields(JsonParser p) throws IOException, PoisonException {
        Fields f = new Fields();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                if (name.equals("type")) {
                    f.sawType = true;
                }
                continue;
            }
            switch (name) {
                case "type" -> {
                    f.sawType = true;
                    String s = text(p, t, name);
                    try {
                        f.type = CommandType.valueOf(s);
                    } catch (IllegalArgumentException e) {
                        throw new PoisonException(PoisonCode.UNKNOWN_TYPE, "unknown type '" + s + "'");
                    }
                }
                case "symbol" -> f.symbol = text(p, t, name);
                case "orderId" -> f.orderId = positiveLong(p, t, name);
                case "userId" -> f.userId = positiveLong(p, t, name);
                case "side" -> f.side = enumValue(Side.class, p, t, name);
                case "orderType" -> f.orderType = enumValue(OrderType.class, p, t, name);
                case "timeInForce" -> f.timeInForce = enumValue(TimeInForce.class, p, t, name);
                case "stp" -> f.stp = enumValue(StpMode.class, p, t, name);
                case "price" -> f.price = decimal(p, t, name);
                case "quantity" -> f.quantity = decimal(p, t, name);
                case "quoteQuantity" -> f.quoteQuantity = decimal(p, t, name);
                case "baseAsset" -> f.baseAsset = asset(p, t, name);
                case "quoteAsset" -> f.quoteAsset = asset(p, t, name);
                case "tickSize" -> f.tickSize = decimal(p, t, name);
                case "stepSize" -> f.stepSize = decimal(p, t, name);
                case "minQty" -> f.minQty = decimal(p, t, name);
                case "minNotional" -> f.minNotional = decimal(p, t, name);
                case "maxPrice" -> f.maxPrice = decimal(p, t, name);
                case "maxQty" -> f.maxQty = decimal(p, t, name);
                case "makerFeeRate" -> f.makerFeeRate = decimal(p, t, name);
                case "takerFeeRate" -> f.takerFeeRate = decimal(p, t, name);
                case "status" -> f.status = enumValue(SymbolStatus.class, p, t, name);
                case "defaultStp" -> f.defaultStp = enumValue(StpMode.class, p, t, name);
                case "cancelOpenOrders" -> {
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                        throw new PoisonException(PoisonCode.INVALID_FIELD, "'" + name + "' must be true or false");
                    }
                    f.cancelOpenOrders = t == JsonToken.VALUE_TRUE;
                }
                default -> p.skipChildren();
            }
        }
        return f;
    }

    private static String text(JsonParser p, JsonToken t, String name) throws IOException, PoisonException {
        if (t != JsonToken.VALUE_STRING) {
            throw new PoisonException(PoisonCode.INVALID_FIELD, "'" + name + "' must be a string");
        }
        return p.getText();
    }

    /** A malformed asset name is poison, like a malformed symbol: see {@link SymbolSpec#isValidAsset}. */
    private static String asset(JsonParser p, JsonToken t, String name) throws IOException, PoisonException {
        String s = text(p, t, name);
        if (!SymbolSpec.isValidAsset(s)) {
            throw new PoisonException(
                    PoisonCode.INVALID_FIELD,
                    "'" + name + "' must be 1 to " + SymbolSpec.MAX_ASSET_LENGTH + " letters, digits or . _ -");
        }
        return s;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, JsonParser p, JsonToken t, String name)
            throws IOException, PoisonException {
        String s = text(p, t, name);
        try {
            return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
            throw new PoisonException(PoisonCode.INVALID_FIELD, "'" + name + "' cannot be '" + s + "'");
        }
    }

    private static long positiveLong(JsonParser p, JsonToken t, String name) throws IOException, PoisonException {
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

    private static Decimal decimal(JsonParser p, JsonToken t, String name) throws IOException, PoisonException {
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

    // ---- Writing ----

    /** The JSON of one command for the orders topic. */
    public static byte[] write(String symbol, Command c) {
        StringBuilder sb = new StringBuilder(192);
        sb.append("{\"type\":\"").append(c.type().name()).append("\",\"symbol\":");
        Json.string(sb, symbol);
        switch (c.type()) {
            case NEW -> {
                field(sb, "orderId", c.orderId());
                field(sb, "userId", c.userId());
                field(sb, "side", c.side());
                field(sb, "orderType", c.orderType());
                field(sb, "timeInForce", c.timeInForce());
                field(sb, "price", c.price());
                field(sb, "quantity", c.quantity());
                field(sb, "quoteQuantity", c.quoteQuantity());
                field(sb, "stp", c.stp());
            }
            case CANCEL -> {
                field(sb, "orderId", c.orderId());
                field(sb, "userId", c.userId());
            }
            case AMEND -> {
                field(sb, "orderId", c.orderId());
                field(sb, "userId", c.userId());
                field(sb, "price", c.price());
                field(sb, "quantity", c.quantity());
            }
            case CANCEL_ALL -> field(sb, "userId", c.userId());
            case SYMBOL -> {
                SymbolUpdate u = c.symbol();
                if (u.baseAsset() != null) {
                    sb.append(",\"baseAsset\":");
                    Json.string(sb, u.baseAsset());
                }
                if (u.quoteAsset() != null) {
                    sb.append(",\"quoteAsset\":");
                    Json.string(sb, u.quoteAsset());
                }
                field(sb, "tickSize", u.tickSize());
                field(sb, "stepSize", u.stepSize());
                field(sb, "minQty", u.minQty());
                field(sb, "minNotional", u.minNotional());
                field(sb, "maxPrice", u.maxPrice());
                field(sb, "maxQty", u.maxQty());
                field(sb, "makerFeeRate", u.makerFeeRate());
                field(sb, "takerFeeRate", u.takerFeeRate());
                field(sb, "status", u.status());
                field(sb, "defaultStp", u.defaultStp());
                if (u.cancelOpenOrders()) {
                    sb.append(",\"cancelOpenOrders\":true");
                }
            }
        }
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder sb, String name, long value) {
        sb.append(",\"").append(name).append("\":").append(value);
    }

    private static void field(StringBuilder sb, String name, Enum<?> value) {
        if (value != null) {
            sb.append(",\"").append(name).append("\":\"").append(value.name()).append('"');
        }
    }

    private static void field(StringBuilder sb, String name, Decimal value) {
        if (value != null) {
            sb.append(",\"").append(name).append("\":\"").append(value).append('"');
        }
    }
}
