package io.spotmatch.book;

/**
 * A listed symbol's trading rules, and the exact conversions between wire decimals and the
 * integers the book works in:
 *
 * <ul>
 *   <li>price: ticks, {@code price = ticks * tickSize};
 *   <li>quantity: lots, {@code quantity = lots * stepSize};
 *   <li>quote amounts (notional, fees, quote-quantity market orders): notional units of
 *       {@code 10^-(tickScale + stepScale)}, so that {@code price * quantity} is always a whole
 *       number of units: {@code notional = ticks * lots * notionalPerTickLot};
 *   <li>fee rates: units of 10^-8.
 * </ul>
 *
 * <p>maxPrice x maxQty is checked to fit 63 bits at listing time, so no notional, cumulative
 * notional, fee or level total of a valid order can overflow later.
 */
public final class SymbolSpec {

    public static final int RATE_SCALE = 8;
    public static final long RATE_ONE = 100_000_000L;
    /** Keeps level totals (sums of many orders) far away from overflow. */
    static final long MAX_LOTS_LIMIT = 1L << 48;

    private final String baseAsset;
    private final String quoteAsset;
    private final Decimal tickSize;
    private final Decimal stepSize;
    private final Decimal minQty;
    private final Decimal minNotional;
    private final Decimal maxPrice;
    private final Decimal maxQty;
    private final Decimal makerFeeRate;
    private final Decimal takerFeeRate;
    private final SymbolStatus status;
    private final StpMode defaultStp;
    private final Decimal maxOrderNotional;
    private final Decimal marketMaxQty;
    private final Decimal maxOpenOrders;
    private final Decimal priceBandBps;

    private final int priceScale;
    private final long tickUnits;
    private final int qtyScale;
    private final long stepUnits;
    private final int notionalScale;
    private final long notionalPerTickLot;
    private final long minQtyLots;
    private final long minNotionalUnits;
    private final long maxPriceTicks;
    private final long maxQtyLots;
    private final long maxNotionalUnits;
    private final long makerRate;
    private final long takerRate;
    /** Long.MAX_VALUE when there is no limit. */
    private final long maxOrderNotionalUnits;

    private final long marketMaxQtyLots;
    /** 0 when there is no limit. */
    private final int maxOpenOrdersCount;

    private final int priceBand;

    /** The largest price band: 100 %. */
    public static final int MAX_PRICE_BAND_BPS = 10_000;

    /** The largest maxOpenOrders: a bound on the state one user can make a symbol keep. */
    public static final int MAX_OPEN_ORDERS_LIMIT = 1_000_000;

    private SymbolSpec(
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
            Decimal maxOrderNotional,
            Decimal marketMaxQty,
            Decimal maxOpenOrders,
            Decimal priceBandBps,
            long maxPriceTicks,
            long maxQtyLots) {
        this.baseAsset = baseAsset;
        this.quoteAsset = quoteAsset;
        this.tickSize = tickSize;
        this.stepSize = stepSize;
        this.status = status;
        this.defaultStp = defaultStp;
        this.priceScale = tickSize.scale();
        this.tickUnits = tickSize.unscaled();
        this.qtyScale = stepSize.scale();
        this.stepUnits = stepSize.unscaled();
        this.notionalScale = priceScale + qtyScale;
        this.notionalPerTickLot = tickUnits * stepUnits;
        this.maxPriceTicks = maxPriceTicks;
        this.maxQtyLots = maxQtyLots;
        this.maxNotionalUnits = maxPriceTicks * maxQtyLots * notionalPerTickLot;
        this.maxPrice = maxPrice != null ? maxPrice : ticksToDecimal(maxPriceTicks);
        this.maxQty = maxQty != null ? maxQty : lotsToDecimal(maxQtyLots);
        this.minQty = minQty != null ? minQty : stepSize;
        this.minNotional = minNotional != null ? minNotional : Decimal.ZERO;
        this.makerFeeRate = makerFeeRate != null ? makerFeeRate : Decimal.ZERO;
        this.takerFeeRate = takerFeeRate != null ? takerFeeRate : Decimal.ZERO;
        this.minQtyLots = lotsOf(this.minQty);
        this.minNotionalUnits = this.minNotional.unitsAt(notionalScale);
        this.makerRate = this.makerFeeRate.unitsAt(RATE_SCALE);
        this.takerRate = this.takerFeeRate.unitsAt(RATE_SCALE);
        this.maxOrderNotional = maxOrderNotional != null ? maxOrderNotional : Decimal.ZERO;
        this.marketMaxQty = marketMaxQty != null ? marketMaxQty : Decimal.ZERO;
        this.maxOpenOrders = maxOpenOrders != null ? maxOpenOrders : Decimal.ZERO;
        this.priceBandBps = priceBandBps != null ? priceBandBps : Decimal.ZERO;
        long notionalLimit = this.maxOrderNotional.unitsAt(notionalScale);
        this.maxOrderNotionalUnits = notionalLimit == 0 ? Long.MAX_VALUE : notionalLimit;
        long marketLots =
                this.marketMaxQty.signum() == 0 ? maxQtyLots : gridUnits(this.marketMaxQty, qtyScale, stepUnits);
        this.marketMaxQtyLots = marketLots;
        this.maxOpenOrdersCount = (int) wholeIn(this.maxOpenOrders, MAX_OPEN_ORDERS_LIMIT);
        this.priceBand = (int) wholeIn(this.priceBandBps, MAX_PRICE_BAND_BPS);
    }

    /** A whole number from 0 to max, or -1. */
    private static long wholeIn(Decimal d, long max) {
        long v = d.unitsAt(0);
        return v >= 0 && v <= max ? v : -1;
    }

    /**
     * Applies a SYMBOL command to the current spec ({@code null} when the symbol is not listed yet).
     *
     * @return the new spec, or {@code null} if the update is invalid (rejected INVALID_SPEC)
     */
    public static SymbolSpec apply(SymbolSpec current, SymbolUpdate u) {
        String base = pick(u.baseAsset(), current == null ? null : current.baseAsset);
        String quote = pick(u.quoteAsset(), current == null ? null : current.quoteAsset);
        Decimal tick = pick(u.tickSize(), current == null ? null : current.tickSize);
        Decimal step = pick(u.stepSize(), current == null ? null : current.stepSize);
        if (!isValidAsset(base) || !isValidAsset(quote) || tick == null || step == null) {
            return null;
        }
        if (current != null
                && (!base.equals(current.baseAsset)
                        || !quote.equals(current.quoteAsset)
                        || !tick.numericallyEquals(current.tickSize)
                        || !step.numericallyEquals(current.stepSize))) {
            return null;
        }
        tick = tick.stripTrailingZeros();
        step = step.stripTrailingZeros();
        if (tick.signum() <= 0
                || step.signum() <= 0
                || tick.scale() + step.scale() > Decimal.MAX_SCALE
                || Math.multiplyHigh(tick.unscaled(), step.unscaled()) != 0
                || tick.unscaled() * step.unscaled() < 0) {
            return null;
        }
        long k = tick.unscaled() * step.unscaled();
        Decimal minQty = pick(u.minQty(), current == null ? null : current.minQty);
        Decimal minNotional = pick(u.minNotional(), current == null ? null : current.minNotional);
        Decimal maker = pick(u.makerFeeRate(), current == null ? null : current.makerFeeRate);
        Decimal taker = pick(u.takerFeeRate(), current == null ? null : current.takerFeeRate);
        Decimal maxPrice = pick(u.maxPrice(), current == null ? null : current.maxPrice);
        Decimal maxQty = pick(u.maxQty(), current == null ? null : current.maxQty);
        SymbolStatus status = pick(u.status(), current == null ? SymbolStatus.TRADING : current.status);
        StpMode stp = pick(u.defaultStp(), current == null ? StpMode.NONE : current.defaultStp);
        Decimal maxOrderNotional = pick(u.maxNotional(), current == null ? null : current.maxOrderNotional);
        Decimal marketMaxQty = pick(u.marketMaxQty(), current == null ? null : current.marketMaxQty);
        Decimal maxOpenOrders = pick(u.maxOpenOrders(), current == null ? null : current.maxOpenOrders);
        Decimal priceBandBps = pick(u.priceBandBps(), current == null ? null : current.priceBandBps);

        long maxQtyLots;
        long maxPriceTicks;
        if (maxQty != null) {
            maxQtyLots = gridUnits(maxQty, step.scale(), step.unscaled());
        } else {
            // Balanced defaults: the largest square that keeps maxPrice x maxQty inside 63 bits.
            maxQtyLots = Math.min(MAX_LOTS_LIMIT, isqrt(Long.MAX_VALUE / k));
        }
        if (maxQtyLots <= 0 || maxQtyLots > MAX_LOTS_LIMIT) {
            return null;
        }
        if (maxPrice != null) {
            maxPriceTicks = gridUnits(maxPrice, tick.scale(), tick.unscaled());
        } else {
            maxPriceTicks = Long.MAX_VALUE / k / maxQtyLots;
        }
        if (maxPriceTicks <= 0 || maxPriceTicks > Long.MAX_VALUE / k / maxQtyLots) {
            return null;
        }
        SymbolSpec s = new SymbolSpec(
                base,
                quote,
                tick,
                step,
                minQty,
                minNotional,
                maxPrice,
                maxQty,
                maker,
                taker,
                status,
                stp,
                maxOrderNotional,
                marketMaxQty,
                maxOpenOrders,
                priceBandBps,
                maxPriceTicks,
                maxQtyLots);
        boolean valid = s.minQtyLots > 0
                && s.minQtyLots <= maxQtyLots
                && s.minNotionalUnits >= 0
                && s.minNotionalUnits != Long.MIN_VALUE
                && validRate(s.makerRate)
                && validRate(s.takerRate)
                && s.maxOrderNotionalUnits > 0
                && s.marketMaxQtyLots >= s.minQtyLots
                && s.marketMaxQtyLots <= maxQtyLots
                && s.maxOpenOrdersCount >= 0
                && s.priceBand >= 0;
        return valid ? s : null;
    }

    /** Longest asset name. */
    public static final int MAX_ASSET_LENGTH = 16;

    /**
     * Asset names are ASCII letters, digits and {@code . _ -}, 1 to {@value #MAX_ASSET_LENGTH}
     * characters: they reach a PostgreSQL text column ({@code trades.fee_asset}), which refuses a
     * NUL, and every event, so nothing else may enter a spec.
     */
    public static boolean isValidAsset(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_ASSET_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z'
                    || c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9'
                    || c == '.'
                    || c == '_'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** floor(sqrt(n)) in integers: no floating point reaches a spec. */
    static long isqrt(long n) {
        long lo = 0;
        long hi = 3_037_000_499L; // floor(sqrt(Long.MAX_VALUE))
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (mid * mid <= n) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static boolean validRate(long rate) {
        return rate >= 0 && rate <= RATE_ONE;
    }

    private static <T> T pick(T update, T current) {
        return update != null ? update : current;
    }

    /** value / (unitsMantissa * 10^-scale), or -1 when it is not a positive whole multiple. */
    private static long gridUnits(Decimal value, int scale, long unitsMantissa) {
        long units = value.unitsAt(scale);
        if (units <= 0 || units % unitsMantissa != 0) {
            return -1;
        }
        return units / unitsMantissa;
    }

    /** Price in ticks, or -1 if it is not positive, off the tick grid, or above maxPrice. */
    public long ticksOf(Decimal price) {
        long ticks = gridUnits(price, priceScale, tickUnits);
        return ticks > maxPriceTicks ? -1 : ticks;
    }

    /** Quantity in lots, or -1 if it is not positive, off the step grid, or above maxQty. */
    public long lotsOf(Decimal qty) {
        long lots = gridUnits(qty, qtyScale, stepUnits);
        return lots > maxQtyLots ? -1 : lots;
    }

    /** A quote amount in notional units, or -1 if it is not positive, too precise, or above maxPrice x maxQty. */
    public long notionalUnitsOf(Decimal quote) {
        long units = quote.unitsAt(notionalScale);
        return units <= 0 || units > maxNotionalUnits ? -1 : units;
    }

    /** The notional of {@code lots} at {@code ticks}, in notional units. Cannot overflow within the spec's bounds. */
    public long notional(long ticks, long lots) {
        return ticks * lots * notionalPerTickLot;
    }

    public Decimal ticksToDecimal(long ticks) {
        return new Decimal(ticks * tickUnits, priceScale);
    }

    public Decimal lotsToDecimal(long lots) {
        return new Decimal(lots * stepUnits, qtyScale);
    }

    public Decimal notionalToDecimal(long units) {
        return new Decimal(units, notionalScale);
    }

    public void appendPrice(StringBuilder sb, long ticks) {
        Decimal.appendTo(sb, ticks * tickUnits, priceScale);
    }

    public void appendQty(StringBuilder sb, long lots) {
        Decimal.appendTo(sb, lots * stepUnits, qtyScale);
    }

    public void appendNotional(StringBuilder sb, long units) {
        Decimal.appendTo(sb, units, notionalScale);
    }

    public String baseAsset() {
        return baseAsset;
    }

    public String quoteAsset() {
        return quoteAsset;
    }

    public Decimal tickSize() {
        return tickSize;
    }

    public Decimal stepSize() {
        return stepSize;
    }

    public Decimal minQty() {
        return minQty;
    }

    public Decimal minNotional() {
        return minNotional;
    }

    public Decimal maxPrice() {
        return maxPrice;
    }

    public Decimal maxQty() {
        return maxQty;
    }

    public Decimal makerFeeRate() {
        return makerFeeRate;
    }

    public Decimal takerFeeRate() {
        return takerFeeRate;
    }

    public SymbolStatus status() {
        return status;
    }

    public StpMode defaultStp() {
        return defaultStp;
    }

    public int priceScale() {
        return priceScale;
    }

    public int qtyScale() {
        return qtyScale;
    }

    public int notionalScale() {
        return notionalScale;
    }

    public long minQtyLots() {
        return minQtyLots;
    }

    public long minNotionalUnits() {
        return minNotionalUnits;
    }

    public long maxPriceTicks() {
        return maxPriceTicks;
    }

    public long maxQtyLots() {
        return maxQtyLots;
    }

    public long makerRate() {
        return makerRate;
    }

    public long takerRate() {
        return takerRate;
    }

    /** The largest notional of one order; 0 when there is none (the default). */
    public Decimal maxNotional() {
        return maxOrderNotional;
    }

    /** The largest notional of one order in notional units; Long.MAX_VALUE when there is none. */
    public long maxOrderNotionalUnits() {
        return maxOrderNotionalUnits;
    }

    /** The largest market order by quantity; 0 when there is none of its own (maxQty applies). */
    public Decimal marketMaxQty() {
        return marketMaxQty;
    }

    /** The largest market order by quantity in lots (maxQty's when there is none of its own). */
    public long marketMaxQtyLots() {
        return marketMaxQtyLots;
    }

    /** How many resting orders a user may have; 0 for no limit. */
    public Decimal maxOpenOrders() {
        return maxOpenOrders;
    }

    public int maxOpenOrdersCount() {
        return maxOpenOrdersCount;
    }

    /** The price band in basis points; 0 for none. */
    public Decimal priceBandBps() {
        return priceBandBps;
    }

    public int priceBand() {
        return priceBand;
    }

    /**
     * The price band around {@code referenceTicks} in ticks, {@code floor(reference x band / 10000)};
     * -1 when there is no band (none set, or no reference price yet).
     */
    public long bandTicks(long referenceTicks) {
        if (priceBand == 0 || referenceTicks == 0) {
            return -1;
        }
        return referenceTicks / MAX_PRICE_BAND_BPS * priceBand
                + referenceTicks % MAX_PRICE_BAND_BPS * priceBand / MAX_PRICE_BAND_BPS;
    }

    /** Whether the spec sets any order limit, so the state that persists them has something to say. */
    public boolean hasLimits() {
        return maxOrderNotional.signum() != 0
                || marketMaxQty.signum() != 0
                || maxOpenOrders.signum() != 0
                || priceBandBps.signum() != 0;
    }

    /** The update that recreates this spec on an unlisted symbol; used to persist and restore it. */
    public SymbolUpdate toUpdate() {
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
                false,
                maxOrderNotional,
                marketMaxQty,
                maxOpenOrders,
                priceBandBps);
    }

    @Override
    public String toString() {
        return "SymbolSpec{" + baseAsset + "/" + quoteAsset + " tick=" + tickSize + " step=" + stepSize
                + " minQty=" + minQty + " minNotional=" + minNotional + " maxPrice=" + maxPrice
                + " maxQty=" + maxQty + " maker=" + makerFeeRate + " taker=" + takerFeeRate
                + " " + status + " stp=" + defaultStp + " maxNotional=" + maxOrderNotional + " marketMaxQty="
                + marketMaxQty + " maxOpenOrders=" + maxOpenOrders + " band=" + priceBandBps + "}";
    }
}
