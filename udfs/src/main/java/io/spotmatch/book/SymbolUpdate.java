package io.spotmatch.book;

/**
 * The body of a SYMBOL command: lists a symbol or changes its spec and status. Every field is
 * optional on an update (null keeps the current value); a listing needs baseAsset, quoteAsset,
 * tickSize and stepSize. baseAsset, quoteAsset, tickSize and stepSize never change once listed,
 * because resting prices and quantities are held in ticks and lots of the listed grid.
 *
 * @param cancelOpenOrders cancel every resting order with reason HALTED after applying the update
 * @param maxNotional the largest notional of one order (limit: price x quantity; market: its quote
 *     amount); 0 for none (the default)
 * @param marketMaxQty the largest quantity of one market order by quantity, and the most a market
 *     sell by quote amount sells; 0 for none (the default: maxQty applies)
 * @param maxOpenOrders how many resting orders one user may have on the symbol (a NEW that could
 *     rest is rejected at that count); a whole number, 0 for none (the default)
 * @param priceBandBps how far, in whole basis points (1 to 10000), a limit price may be from the
 *     symbol's last trade price, and how far past it a market order walks; 0 for none (the default)
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
        boolean cancelOpenOrders,
        Decimal maxNotional,
        Decimal marketMaxQty,
        Decimal maxOpenOrders,
        Decimal priceBandBps) {

    /** An update that leaves the order limits as they are. */
    public SymbolUpdate(
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
        this(
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
                null,
                null,
                null,
                null);
    }

    /** Only a status change. */
    public static SymbolUpdate status(SymbolStatus status) {
        return new SymbolUpdate(null, null, null, null, null, null, null, null, null, null, status, null, false);
    }

    /** This update with the given order limits (null: keep the current one). */
    public SymbolUpdate withLimits(
            Decimal maxNotional, Decimal marketMaxQty, Decimal maxOpenOrders, Decimal priceBandBps) {
        return new SymbolUpdate(
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
                priceBandBps);
    }
}
