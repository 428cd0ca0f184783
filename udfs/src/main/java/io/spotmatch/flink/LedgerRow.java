package io.spotmatch.flink;

import io.spotmatch.ledger.Leg;
import java.math.BigDecimal;

/**
 * A row of the {@code ledger} table: one movement of one account's asset, and its cause: a
 * symbol's event ({@code symbol}, {@code seq}, {@code orderId}; {@code txId} empty) or a funds
 * command ({@code txId}; {@code symbol} empty, {@code seq} and {@code orderId} 0). No running
 * balance: nothing in a row depends on the order movements reach the ledger in.
 */
public record LedgerRow(
        long account,
        String asset,
        BigDecimal available,
        BigDecimal held,
        Leg leg,
        String symbol,
        long seq,
        long orderId,
        String txId,
        long time) {}
