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
 * @param price null for a market order
 * @param quantity null for a market buy by quote amount
 * @param quoteQuantity null unless a market buy by quote amount
 */
public record OrderRow(String symbol, long orderId, long userId, Side side, OrderType orderType,
        TimeInForce timeInForce, StpMode stp, BigDecimal price, BigDecimal quantity, BigDecimal quoteQuantity,
        OrderStatus status, BigDecimal filledQuantity, BigDecimal filledQuote, BigDecimal fees,
        CancelReason cancelReason, long version, long time) {
}
