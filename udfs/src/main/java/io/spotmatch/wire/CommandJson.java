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

    /**
     * The latest expireTime: 9999-12-31T23:59:59.999Z, the bound of record timestamps too, so every
     * expiry is a time PostgreSQL stores (an order row's expire_time).
     */
    public static final long MAX_EXPIRE_TIME = 253_402_300_799_999L;

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
        Decimal maxNotional;
        Decimal marketMaxQty;
        Decimal maxOpenOrders;
        Decimal priceBandBps;
        String clientOrderId;
        Long expireTime;
        Decimal stopPrice;
        Decimal stopLimitPrice;
        Decimal icebergQuantity;
        boolean sawType;

        /** A CANCEL or AMEND names its order by orderId or, without one, by clientOrderId. */
        private void requireOrder() throws PoisonException {
            if (orderId == null && clientOrderId == null) {
                throw new PoisonException(PoisonCode.MISSING_FIELD, "no 'orderId' nor 'clientOrderId' field");
            }
        }

        Command toCommand() throws PoisonException {
            if (type == null) {
                throw new PoisonException(PoisonCode.UNKNOWN_TYPE, sawType ? "type is null" : "no 'type' field");
            }
            JsonFields.require(symbol, "symbol");
            switch (type) {
                case NEW -> {
                    // No orderId: the engine numbers the order.
                    JsonFields.require(userId, "userId");
                    JsonFields.require(side, "side");
                    JsonFields.require(orderType, "orderType");
                    if (orderType.isStop() || orderType == OrderType.OCO) {
                        JsonFields.require(stopPrice, "stopPrice");
                    }
                    if (orderType.isMarket()) {
                        if (quantity == null && quoteQuantity == null) {
                            throw new PoisonException(
                                    PoisonCode.MISSING_FIELD, "a MARKET order needs 'quantity' or 'quoteQuantity'");
                        }
                    } else {
                        JsonFields.require(price, "price");
                        JsonFields.require(quantity, "quantity");
                    }
                    return new Command(
                            type,
                            orderId == null ? 0 : orderId,
                            userId,
                            side,
                            orderType,
                            timeInForce,
                            price,
                            quantity,
                            quoteQuantity,
                            stp,
                            null,
                            clientOrderId,
                            expireTime == null ? 0 : expireTime,
                            stopPrice,
                            stopLimitPrice,
                            icebergQuantity);
                }
                case CANCEL -> {
                    requireOrder();
                    JsonFields.require(userId, "userId");
                    return Command.cancel(orderId == null ? 0 : orderId, userId)
                            .withClientOrderId(orderId == null ? clientOrderId : null);
                }
                case AMEND -> {
                    requireOrder();
                    JsonFields.require(userId, "userId");
                    if (price == null && quantity == null) {
                        throw new PoisonException(PoisonCode.MISSING_FIELD, "an AMEND needs 'price' or 'quantity'");
                    }
                    return new Command(
                                    type,
                                    orderId == null ? 0 : orderId,
                                    userId,
                                    null,
                                    null,
                                    null,
                                    price,
                                    quantity,
                                    null,
                                    null,
                                    null,
                                    orderId == null ? clientOrderId : null)
                            // not amendable: passed on so the engine rejects it (INVALID_ICEBERG), not dropped
                            .withIcebergQuantity(icebergQuantity);
                }
                case CANCEL_ALL -> {
                    JsonFields.require(userId, "userId");
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
                            cancelOpenOrders,
                            maxNotional,
                            marketMaxQty,
                            maxOpenOrders,
                            priceBandBps));
                }
                default -> throw new IllegalStateException(type.name());
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
                    String s = JsonFields.text(p, t, name);
                    try {
                        f.type = CommandType.valueOf(s);
                    } catch (IllegalArgumentException e) {
                        throw new PoisonException(PoisonCode.UNKNOWN_TYPE, "unknown type '" + s + "'");
                    }
                }
                case "symbol" -> f.symbol = JsonFields.text(p, t, name);
                case "orderId" -> f.orderId = JsonFields.positiveLong(p, t, name);
                case "userId" -> f.userId = JsonFields.positiveLong(p, t, name);
                case "side" -> f.side = JsonFields.enumValue(Side.class, p, t, name);
                case "orderType" -> f.orderType = JsonFields.enumValue(OrderType.class, p, t, name);
                case "timeInForce" -> f.timeInForce = JsonFields.enumValue(TimeInForce.class, p, t, name);
                case "stp" -> f.stp = JsonFields.enumValue(StpMode.class, p, t, name);
                case "price" -> f.price = JsonFields.decimal(p, t, name);
                case "stopPrice" -> f.stopPrice = JsonFields.decimal(p, t, name);
                case "stopLimitPrice" -> f.stopLimitPrice = JsonFields.decimal(p, t, name);
                case "quantity" -> f.quantity = JsonFields.decimal(p, t, name);
                case "quoteQuantity" -> f.quoteQuantity = JsonFields.decimal(p, t, name);
                case "icebergQuantity" -> f.icebergQuantity = JsonFields.decimal(p, t, name);
                case "expireTime" -> {
                    f.expireTime = JsonFields.positiveLong(p, t, name);
                    if (f.expireTime > MAX_EXPIRE_TIME) {
                        throw new PoisonException(
                                PoisonCode.INVALID_FIELD, "expireTime is after 9999-12-31T23:59:59.999Z");
                    }
                }
                case "clientOrderId" -> {
                    f.clientOrderId = JsonFields.text(p, t, name);
                    if (!Command.isValidClientOrderId(f.clientOrderId)) {
                        throw new PoisonException(
                                PoisonCode.INVALID_FIELD,
                                "clientOrderId must be 1 to " + Command.MAX_CLIENT_ORDER_ID_LENGTH
                                        + " letters, digits and . _ : / -");
                    }
                }
                case "baseAsset" -> f.baseAsset = JsonFields.asset(p, t, name);
                case "quoteAsset" -> f.quoteAsset = JsonFields.asset(p, t, name);
                case "tickSize" -> f.tickSize = JsonFields.decimal(p, t, name);
                case "stepSize" -> f.stepSize = JsonFields.decimal(p, t, name);
                case "minQty" -> f.minQty = JsonFields.decimal(p, t, name);
                case "minNotional" -> f.minNotional = JsonFields.decimal(p, t, name);
                case "maxPrice" -> f.maxPrice = JsonFields.decimal(p, t, name);
                case "maxQty" -> f.maxQty = JsonFields.decimal(p, t, name);
                case "makerFeeRate" -> f.makerFeeRate = JsonFields.decimal(p, t, name);
                case "takerFeeRate" -> f.takerFeeRate = JsonFields.decimal(p, t, name);
                case "status" -> f.status = JsonFields.enumValue(SymbolStatus.class, p, t, name);
                case "defaultStp" -> f.defaultStp = JsonFields.enumValue(StpMode.class, p, t, name);
                case "maxNotional" -> f.maxNotional = JsonFields.decimal(p, t, name);
                case "marketMaxQty" -> f.marketMaxQty = JsonFields.decimal(p, t, name);
                case "maxOpenOrders" -> f.maxOpenOrders = JsonFields.decimal(p, t, name);
                case "priceBandBps" -> f.priceBandBps = JsonFields.decimal(p, t, name);
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

    // ---- Writing ----

    /** The JSON of one command for the orders topic. */
    public static byte[] write(String symbol, Command c) {
        StringBuilder sb = new StringBuilder(192);
        sb.append("{\"type\":\"").append(c.type().name()).append("\",\"symbol\":");
        Json.string(sb, symbol);
        switch (c.type()) {
            case NEW -> {
                if (c.orderId() != 0) {
                    field(sb, "orderId", c.orderId());
                }
                field(sb, "userId", c.userId());
                clientOrderId(sb, c);
                field(sb, "side", c.side());
                field(sb, "orderType", c.orderType());
                field(sb, "timeInForce", c.timeInForce());
                field(sb, "price", c.price());
                field(sb, "stopPrice", c.stopPrice());
                field(sb, "stopLimitPrice", c.stopLimitPrice());
                field(sb, "quantity", c.quantity());
                field(sb, "quoteQuantity", c.quoteQuantity());
                field(sb, "icebergQuantity", c.icebergQuantity());
                field(sb, "stp", c.stp());
                if (c.expireTime() != 0) {
                    field(sb, "expireTime", c.expireTime());
                }
            }
            case CANCEL -> {
                if (c.orderId() != 0) {
                    field(sb, "orderId", c.orderId());
                }
                field(sb, "userId", c.userId());
                clientOrderId(sb, c);
            }
            case AMEND -> {
                if (c.orderId() != 0) {
                    field(sb, "orderId", c.orderId());
                }
                field(sb, "userId", c.userId());
                clientOrderId(sb, c);
                field(sb, "price", c.price());
                field(sb, "quantity", c.quantity());
                field(sb, "icebergQuantity", c.icebergQuantity());
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
                field(sb, "maxNotional", u.maxNotional());
                field(sb, "marketMaxQty", u.marketMaxQty());
                field(sb, "maxOpenOrders", u.maxOpenOrders());
                field(sb, "priceBandBps", u.priceBandBps());
                if (u.cancelOpenOrders()) {
                    sb.append(",\"cancelOpenOrders\":true");
                }
            }
        }
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void clientOrderId(StringBuilder sb, Command c) {
        if (c.clientOrderId() != null) {
            sb.append(",\"clientOrderId\":");
            Json.string(sb, c.clientOrderId());
        }
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
