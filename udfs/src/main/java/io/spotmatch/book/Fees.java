package io.spotmatch.book;

/**
 * Fee arithmetic. Fees are charged in the quote asset, in notional units (the symbol's exact
 * quote grid, 10^-(priceScale + qtyScale)), rounded up. Rounding each fill up on its own would
 * overcharge an order that fills in many pieces, so the order carries the fraction it owes: after
 * every fill, the fees charged to an order equal exactly
 * {@code ceil(sum over its fills of notional x rate)}, whatever the number of fills.
 */
public final class Fees {

    private Fees() {}

    /**
     * Charges {@code order} for a fill of {@code notional} units at {@code rate} (10^-8 units) and
     * returns the fee for this fill.
     */
    public static long charge(Order order, long notional, long rate) {
        // notional x rate / 10^8 without overflow: split notional at 10^8.
        long high = notional / SymbolSpec.RATE_ONE;
        long low = notional % SymbolSpec.RATE_ONE;
        long lowProduct = low * rate; // < 10^16
        long whole = high * rate + lowProduct / SymbolSpec.RATE_ONE;
        long owedFraction = order.feeRemainder + lowProduct % SymbolSpec.RATE_ONE;
        if (owedFraction >= SymbolSpec.RATE_ONE) {
            whole++;
            owedFraction -= SymbolSpec.RATE_ONE;
        }
        long chargedWhole = order.fees - (order.feeRemainder > 0 ? 1 : 0);
        long charged = chargedWhole + whole + (owedFraction > 0 ? 1 : 0);
        long fee = charged - order.fees;
        order.fees = charged;
        order.feeRemainder = owedFraction;
        return fee;
    }
}
