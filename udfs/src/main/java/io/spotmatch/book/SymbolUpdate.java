package io.spotmatch.book;

/**
 * The body of a SYMBOL command: lists a symbol or changes its spec and status. Every field is
 * optional on an update (null keeps the current value); a listing needs baseAsset, quoteAsset,
 * tickSize and stepSize. baseAsset, quoteAsset, tickSize and stepSize never change once listed,
 * because resting prices and quantities are held in ticks and lots of the listed grid.
 *
 * @param cancelOpenOrders cancel every resting order with reason HALTED after applying the update
 */
public record SymbolUpdate(
        String baseAsset,
        String quoteAsset,
        Decimal tickSize,
        Decimal stepSize,
        Decimal minQty,
        Decimal minNotional,
        Decimal maxPrice,
        Decimal maxQty,
        Decimal makerFeeRate,
        Decimal takerFeeRate,
        SymbolStatus status,
        StpMode defaultStp,
        boolean cancelOpenOrders) {

    /** Only a status change. */
    public static SymbolUpdate status(SymbolStatus status) {
        return new SymbolUpdate(null, null, null, null, null, null, null, null, null, null, status, null, false);
    }
}
