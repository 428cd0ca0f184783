package io.spotmatch.wire;

import io.spotmatch.book.CancelReason;
import io.spotmatch.book.Command;
import io.spotmatch.book.Order;
import io.spotmatch.book.RejectReason;
import io.spotmatch.book.SymbolSpec;
import java.nio.charset.StandardCharsets;

/**
 * The order-events topic's JSON. Every event starts with symbol, seq, time and type; fields come
 * in a fixed order and numbers in the symbol's decimals, so the same events always give the same
 * bytes. Writes into a caller's StringBuilder so one buffer serves every event.
 */
public final class EventJson {

    private EventJson() {}

    private static void head(StringBuilder sb, String symbol, long seq, long time, String type) {
        sb.setLength(0);
        sb.append("{\"symbol\":");
        Json.string(sb, symbol);
        sb.append(",\"seq\":")
                .append(seq)
                .append(",\"time\":")
                .append(time)
                .append(",\"type\":\"")
                .append(type)
                .append('"');
    }

    private static void price(StringBuilder sb, SymbolSpec s, String name, long ticks) {
        sb.append(",\"").append(name).append("\":\"");
        s.appendPrice(sb, ticks);
        sb.append('"');
    }

    private static void qty(StringBuilder sb, SymbolSpec s, String name, long lots) {
        sb.append(",\"").append(name).append("\":\"");
        s.appendQty(sb, lots);
        sb.append('"');
    }

    private static void quote(StringBuilder sb, SymbolSpec s, String name, long units) {
        sb.append(",\"").append(name).append("\":\"");
        s.appendNotional(sb, units);
        sb.append('"');
    }

    private static void text(StringBuilder sb, String name, String value) {
        sb.append(",\"").append(name).append("\":\"").append(value).append('"');
    }

    private static void number(StringBuilder sb, String name, long value) {
        sb.append(",\"").append(name).append("\":").append(value);
    }

    /** Only for orders that have one: the ids are letters, digits and . _ : / - (no escaping). */
    private static void clientOrderId(StringBuilder sb, String id) {
        if (id != null) {
            text(sb, "clientOrderId", id);
        }
    }

    public static void accepted(StringBuilder sb, String symbol, long seq, long time, SymbolSpec s, Order o) {
        head(sb, symbol, seq, time, "ACCEPTED");
        number(sb, "orderId", o.orderId());
        number(sb, "userId", o.userId());
        clientOrderId(sb, o.clientOrderId());
        text(sb, "side", o.side().name());
        text(sb, "orderType", o.type().name());
        text(sb, "timeInForce", o.timeInForce().name());
        if (o.expireTime() != 0) {
            number(sb, "expireTime", o.expireTime());
        }
        if (!o.type().isMarket()) {
            price(sb, s, "price", o.price());
        }
        if (o.stopPrice() != 0) {
            price(sb, s, "stopPrice", o.stopPrice());
        }
        if (o.quoteQuantity() != 0) {
            quote(sb, s, "quoteQuantity", o.quoteQuantity());
        } else {
            qty(sb, s, "quantity", o.quantity());
        }
        if (o.displayQuantity() != 0) {
            qty(sb, s, "icebergQuantity", o.displayQuantity());
        }
        text(sb, "stp", o.stp().name());
        if (o.ocoOrderId() != 0) {
            number(sb, "ocoOrderId", o.ocoOrderId());
        }
        sb.append('}');
    }

    public static void trade(
            StringBuilder sb,
            String symbol,
            long seq,
            long time,
            SymbolSpec s,
            long tradeId,
            Order taker,
            Order maker,
            long price,
            long qty,
            long quoteQty,
            long takerFee,
            long makerFee) {
        head(sb, symbol, seq, time, "TRADE");
        number(sb, "tradeId", tradeId);
        price(sb, s, "price", price);
        qty(sb, s, "quantity", qty);
        quote(sb, s, "quoteQuantity", quoteQty);
        text(sb, "takerSide", taker.side().name());
        number(sb, "takerOrderId", taker.orderId());
        number(sb, "takerUserId", taker.userId());
        number(sb, "makerOrderId", maker.orderId());
        number(sb, "makerUserId", maker.userId());
        quote(sb, s, "takerFee", takerFee);
        quote(sb, s, "makerFee", makerFee);
        sb.append(",\"feeAsset\":");
        Json.string(sb, s.quoteAsset());
        text(sb, "takerStatus", taker.status().name());
        text(sb, "makerStatus", maker.status().name());
        sb.append('}');
    }

    public static void cancelled(
            StringBuilder sb, String symbol, long seq, long time, SymbolSpec s, Order o, CancelReason reason) {
        head(sb, symbol, seq, time, "CANCELLED");
        number(sb, "orderId", o.orderId());
        number(sb, "userId", o.userId());
        clientOrderId(sb, o.clientOrderId());
        text(sb, "reason", reason.name());
        if (o.quoteQuantity() != 0) {
            quote(sb, s, "cancelledQuote", o.remainingQuote());
        } else {
            qty(sb, s, "cancelledQuantity", o.remaining());
        }
        qty(sb, s, "filledQuantity", o.filled());
        sb.append('}');
    }

    public static void cancelledAll(StringBuilder sb, String symbol, long seq, long time, long userId, int count) {
        head(sb, symbol, seq, time, "CANCELLED_ALL");
        number(sb, "userId", userId);
        number(sb, "cancelledOrders", count);
        sb.append('}');
    }

    public static void amended(
            StringBuilder sb,
            String symbol,
            long seq,
            long time,
            SymbolSpec s,
            Order o,
            long previousPrice,
            long previousQuantity,
            boolean priorityKept) {
        head(sb, symbol, seq, time, "AMENDED");
        number(sb, "orderId", o.orderId());
        number(sb, "userId", o.userId());
        clientOrderId(sb, o.clientOrderId());
        price(sb, s, "price", o.price());
        qty(sb, s, "quantity", o.quantity());
        price(sb, s, "previousPrice", previousPrice);
        qty(sb, s, "previousQuantity", previousQuantity);
        sb.append(",\"priorityKept\":").append(priorityKept).append('}');
    }

    /** {@code quantity} (or {@code quoteQuantity}) is the order's new total, {@code decremented*} what it lost. */
    public static void decremented(
            StringBuilder sb,
            String symbol,
            long seq,
            long time,
            SymbolSpec s,
            Order o,
            long previousQuantity,
            long previousQuoteQuantity) {
        head(sb, symbol, seq, time, "DECREMENTED");
        number(sb, "orderId", o.orderId());
        number(sb, "userId", o.userId());
        clientOrderId(sb, o.clientOrderId());
        text(sb, "reason", "SELF_TRADE_PREVENTED");
        if (o.quoteQuantity() != 0) {
            quote(sb, s, "quoteQuantity", o.quoteQuantity());
            quote(sb, s, "decrementedQuote", previousQuoteQuantity - o.quoteQuantity());
        } else {
            qty(sb, s, "quantity", o.quantity());
            qty(sb, s, "decrementedQuantity", previousQuantity - o.quantity());
        }
        qty(sb, s, "filledQuantity", o.filled());
        sb.append('}');
    }

    /** {@code orderType} is what the stop order became (MARKET or LIMIT). */
    public static void triggered(
            StringBuilder sb, String symbol, long seq, long time, SymbolSpec s, Order o, long lastPrice) {
        head(sb, symbol, seq, time, "TRIGGERED");
        number(sb, "orderId", o.orderId());
        number(sb, "userId", o.userId());
        clientOrderId(sb, o.clientOrderId());
        text(sb, "orderType", o.type().name());
        price(sb, s, "stopPrice", o.stopPrice());
        price(sb, s, "lastPrice", lastPrice);
        sb.append('}');
    }

    public static void rejected(StringBuilder sb, String symbol, long seq, long time, Command c, RejectReason reason) {
        head(sb, symbol, seq, time, "REJECTED");
        text(sb, "command", c.type().name());
        switch (c.type()) {
            case NEW, CANCEL, AMEND -> {
                number(sb, "orderId", c.orderId());
                number(sb, "userId", c.userId());
                clientOrderId(sb, c.clientOrderId());
            }
            case CANCEL_ALL -> number(sb, "userId", c.userId());
            case SYMBOL -> {}
        }
        text(sb, "reason", reason.name());
        sb.append('}');
    }

    public static void symbolUpdated(StringBuilder sb, String symbol, long seq, long time, SymbolSpec s) {
        head(sb, symbol, seq, time, "SYMBOL_UPDATED");
        sb.append(",\"baseAsset\":");
        Json.string(sb, s.baseAsset());
        sb.append(",\"quoteAsset\":");
        Json.string(sb, s.quoteAsset());
        text(sb, "tickSize", s.tickSize().toString());
        text(sb, "stepSize", s.stepSize().toString());
        text(sb, "minQty", s.minQty().toString());
        text(sb, "minNotional", s.minNotional().toString());
        text(sb, "maxPrice", s.maxPrice().toString());
        text(sb, "maxQty", s.maxQty().toString());
        text(sb, "makerFeeRate", s.makerFeeRate().toString());
        text(sb, "takerFeeRate", s.takerFeeRate().toString());
        text(sb, "status", s.status().name());
        text(sb, "defaultStp", s.defaultStp().name());
        // Order limits only when set: a symbol without them reads as before they existed.
        if (s.maxNotional().signum() != 0) {
            text(sb, "maxNotional", s.maxNotional().toString());
        }
        if (s.marketMaxQty().signum() != 0) {
            text(sb, "marketMaxQty", s.marketMaxQty().toString());
        }
        if (s.maxOpenOrdersCount() != 0) {
            number(sb, "maxOpenOrders", s.maxOpenOrdersCount());
        }
        if (s.priceBand() != 0) {
            number(sb, "priceBandBps", s.priceBand());
        }
        sb.append('}');
    }

    /** The buffer's characters as bytes; event JSON is ASCII because {@link Json#string} escapes the rest. */
    public static byte[] bytes(StringBuilder sb) {
        // two array copies beat a charAt loop (bounds checks per char showed in the profile)
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
