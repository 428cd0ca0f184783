package io.spotmatch.flink;

import io.spotmatch.book.Side;
import java.math.BigDecimal;

/** A row of the {@code trades} table. Fees are in the quote asset ({@code feeAsset}). */
public record TradeRow(
        String symbol,
        long tradeId,
        long seq,
        BigDecimal price,
        BigDecimal quantity,
        BigDecimal quoteQuantity,
        Side takerSide,
        long takerOrderId,
        long takerUserId,
        long makerOrderId,
        long makerUserId,
        BigDecimal takerFee,
        BigDecimal makerFee,
        String feeAsset,
        long time) {}
