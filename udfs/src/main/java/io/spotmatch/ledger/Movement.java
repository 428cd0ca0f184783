package io.spotmatch.ledger;

/**
 * One change of one account's balance of one asset, caused by one event of a symbol: exact integer
 * amounts in units of {@code 10^-scale} of the asset (a symbol's notional units for its quote
 * asset, its lots for its base asset). Every movement is an addition, so applying a set of
 * movements in any order gives the same balances.
 *
 * @param orderId the order whose hold or fill this is; 0 for the fee account's movements
 */
public record Movement(
        long account,
        String asset,
        long available,
        long held,
        int scale,
        String symbol,
        long seq,
        long orderId,
        Leg leg) {}
