package io.spotmatch.book;

/**
 * An order as the book holds it. Prices are ticks, quantities lots, quote amounts and fees
 * notional units of the symbol's {@link SymbolSpec}. Event sinks may read an order during the
 * callback only: the book reuses order objects afterwards.
 */
public final class Order extends OrderCore {

    /** The owner's id for the order, or null. */
    String clientOrderId;

    /** A GTD order's expiry time (epoch ms); 0 for every other order. */
    long expireTime;

    /** A stop order's stop price in ticks (kept once triggered); 0 for every other order. */
    long stopPrice;

    /**
     * The order id of the other leg of this order's OCO while both are open, else 0 (persisted:
     * the book relinks the legs on restore).
     */
    long ocoOrderId;

    Order() {}

    /** Restores a resting order from its persisted fields. */
    public static Order resting(
            long orderId,
            long userId,
            Side side,
            OrderType type,
            TimeInForce tif,
            StpMode stp,
            long price,
            long quantity,
            long filled,
            long filledQuote,
            long fees,
            long feeRemainder,
            long priority) {
        return resting(
                orderId,
                userId,
                side,
                type,
                tif,
                stp,
                price,
                quantity,
                filled,
                filledQuote,
                fees,
                feeRemainder,
                priority,
                null);
    }

    /** Restores a resting order from its persisted fields, with its client order id (or null). */
    public static Order resting(
            long orderId,
            long userId,
            Side side,
            OrderType type,
            TimeInForce tif,
            StpMode stp,
            long price,
            long quantity,
            long filled,
            long filledQuote,
            long fees,
            long feeRemainder,
            long priority,
            String clientOrderId) {
        return resting(
                orderId,
                userId,
                side,
                type,
                tif,
                stp,
                price,
                quantity,
                filled,
                filledQuote,
                fees,
                feeRemainder,
                priority,
                clientOrderId,
                0);
    }

    /** Restores a resting order from its persisted fields, with its client order id and expiry time. */
    public static Order resting(
            long orderId,
            long userId,
            Side side,
            OrderType type,
            TimeInForce tif,
            StpMode stp,
            long price,
            long quantity,
            long filled,
            long filledQuote,
            long fees,
            long feeRemainder,
            long priority,
            String clientOrderId,
            long expireTime) {
        Order o = new Order();
        o.clientOrderId = clientOrderId;
        o.expireTime = expireTime;
        o.orderId = orderId;
        o.userId = userId;
        o.side = side;
        o.type = type;
        o.timeInForce = tif;
        o.stp = stp;
        o.price = price;
        o.quantity = quantity;
        o.filled = filled;
        o.filledQuote = filledQuote;
        o.fees = fees;
        o.feeRemainder = feeRemainder;
        o.priority = priority;
        o.status = filled == 0 ? OrderStatus.NEW : OrderStatus.PARTIALLY_FILLED;
        return o;
    }

    void copyFrom(Order o) {
        orderId = o.orderId;
        userId = o.userId;
        side = o.side;
        type = o.type;
        timeInForce = o.timeInForce;
        stp = o.stp;
        price = o.price;
        quantity = o.quantity;
        quoteQuantity = o.quoteQuantity;
        filled = o.filled;
        filledQuote = o.filledQuote;
        fees = o.fees;
        feeRemainder = o.feeRemainder;
        priority = o.priority;
        status = o.status;
        clientOrderId = o.clientOrderId;
        clientKey = o.clientKey;
        expireTime = o.expireTime;
        stopPrice = o.stopPrice;
        ocoOrderId = o.ocoOrderId;
        displayQty = o.displayQty;
        visible = o.visible;
    }

    void clearLinks() {
        prev = null;
        next = null;
        level = null;
        userPrev = null;
        userNext = null;
    }

    public long orderId() {
        return orderId;
    }

    public long userId() {
        return userId;
    }

    public Side side() {
        return side;
    }

    public OrderType type() {
        return type;
    }

    public TimeInForce timeInForce() {
        return timeInForce;
    }

    public StpMode stp() {
        return stp;
    }

    public long price() {
        return price;
    }

    public long quantity() {
        return quantity;
    }

    public long quoteQuantity() {
        return quoteQuantity;
    }

    public long filled() {
        return filled;
    }

    public long filledQuote() {
        return filledQuote;
    }

    public long fees() {
        return fees;
    }

    public long feeRemainder() {
        return feeRemainder;
    }

    public long priority() {
        return priority;
    }

    public OrderStatus status() {
        return status;
    }

    /** The client order id, or null. */
    public String clientOrderId() {
        return clientOrderId;
    }

    /** A GTD order's expiry time (epoch ms), 0 for every other order. */
    public long expireTime() {
        return expireTime;
    }

    /** A stop order's stop price in ticks (also once triggered), 0 for every other order. */
    public long stopPrice() {
        return stopPrice;
    }

    /** Sets the stop price of an order being restored from state. */
    public Order withStopPrice(long ticks) {
        stopPrice = ticks;
        return this;
    }

    /** The order id of the other leg of this order's OCO while both are open, else 0. */
    public long ocoOrderId() {
        return ocoOrderId;
    }

    /** The other leg of this order's OCO while both are open (during an event callback), else null. */
    public Order ocoLeg() {
        return ocoLeg;
    }

    /** Sets the other OCO leg's order id of an order being restored from state. */
    public Order withOcoOrderId(long id) {
        ocoOrderId = id;
        return this;
    }

    /** An iceberg order's display quantity in lots, 0 for every other order. */
    public long displayQuantity() {
        return displayQty;
    }

    /** Lots the book shows of this resting order: an iceberg's visible slice, else all it has left. */
    public long shown() {
        return displayQty == 0 ? quantity - filled : visible;
    }

    /** A resting iceberg's visible slice in lots, 0 for every other order. */
    public long visibleQuantity() {
        return visible;
    }

    /** Lots a resting iceberg holds back beyond its visible slice, 0 for every other order. */
    long reserve() {
        return displayQty == 0 ? 0 : quantity - filled - visible;
    }

    /** Sets the display quantity and the visible slice of an iceberg order being restored from state. */
    public Order withIceberg(long displayQuantity, long visibleLots) {
        displayQty = displayQuantity;
        visible = visibleLots;
        return this;
    }

    /** Unfilled lots; not the measure of a market order by quote amount, whose is {@link #remainingQuote()}. */
    public long remaining() {
        return quantity - filled;
    }

    public long remainingQuote() {
        return quoteQuantity - filledQuote;
    }

    public boolean isBuy() {
        return side == Side.BUY;
    }

    @Override
    public String toString() {
        return "Order{id=" + orderId + " user=" + userId + " " + side + " " + type + "/" + timeInForce
                + " price=" + price + " qty=" + quantity + (quoteQuantity != 0 ? " quote=" + quoteQuantity : "")
                + " filled=" + filled + " filledQuote=" + filledQuote + " fees=" + fees
                + (displayQty != 0 ? " iceberg=" + displayQty + " visible=" + visible : "")
                + " prio=" + priority + " " + status + "}";
    }
}
