package io.spotmatch.flink;

import io.spotmatch.book.CancelReason;
import io.spotmatch.book.OrderStatus;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.TimeInForce;
import java.math.BigDecimal;

/**
 * The state of one order after a command, for the {@code orders} table. {@code version} is the
 * sequence number of the last event that changed it: the upsert keeps the highest version, so a
 * replayed older row never overwrites a newer one.
 *
 * @param createdAt the earliest command time known for the order: this command's, until rows are
 *     merged (the merge keeps the earliest, so it ends up the time the order was accepted)
 * @param updatedAt this command's time
 * @param price null for a market order
 * @param quantity null for a market order by quote amount
 * @param quoteQuantity null unless a market order by quote amount
 * @param clientOrderId the owner's id for the order, or null
 * @param expireTime a GTD order's expiry time (epoch ms), else null
 * @param stopPrice a stop order's stop price (also once triggered), else null
 */
public record OrderRow(
        String symbol,
        long orderId,
        long userId,
        Side side,
        OrderType orderType,
        TimeInForce timeInForce,
        StpMode stp,
        BigDecimal price,
        BigDecimal quantity,
        BigDecimal quoteQuantity,
        OrderStatus status,
        BigDecimal filledQuantity,
        BigDecimal filledQuote,
        BigDecimal fees,
        CancelReason cancelReason,
        long version,
        long createdAt,
        long updatedAt,
        String clientOrderId,
        Long expireTime,
        BigDecimal stopPrice) {

    /** A row of an order without a client order id. */
    public OrderRow(
            String symbol,
            long orderId,
            long userId,
            Side side,
            OrderType orderType,
            TimeInForce timeInForce,
            StpMode stp,
            BigDecimal price,
            BigDecimal quantity,
            BigDecimal quoteQuantity,
            OrderStatus status,
            BigDecimal filledQuantity,
            BigDecimal filledQuote,
            BigDecimal fees,
            CancelReason cancelReason,
            long version,
            long createdAt,
            long updatedAt) {
        this(
                symbol,
                orderId,
                userId,
                side,
                orderType,
                timeInForce,
                stp,
                price,
                quantity,
                quoteQuantity,
                status,
                filledQuantity,
                filledQuote,
                fees,
                cancelReason,
                version,
                createdAt,
                updatedAt,
                null,
                null,
                null);
    }

    /** The newer of two rows of the same order, keeping the earlier creation time. */
    public static OrderRow newer(OrderRow a, OrderRow b) {
        OrderRow newer = b.version > a.version ? b : a;
        long created = Math.min(a.createdAt, b.createdAt);
        return newer.createdAt == created
                ? newer
                : new OrderRow(
                        newer.symbol,
                        newer.orderId,
                        newer.userId,
                        newer.side,
                        newer.orderType,
                        newer.timeInForce,
                        newer.stp,
                        newer.price,
                        newer.quantity,
                        newer.quoteQuantity,
                        newer.status,
                        newer.filledQuantity,
                        newer.filledQuote,
                        newer.fees,
                        newer.cancelReason,
                        newer.version,
                        created,
                        newer.updatedAt,
                        newer.clientOrderId,
                        newer.expireTime,
                        newer.stopPrice);
    }
}
