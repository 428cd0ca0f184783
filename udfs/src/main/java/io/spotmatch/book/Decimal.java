package io.spotmatch.book;

/**
 * An exact decimal number as it travels on the wire: {@code unscaled * 10^-scale}. Prices,
 * quantities and rates never become binary floating point; the engine turns them into integer
 * ticks, lots and notional units with {@link SymbolSpec}.
 */
public record Decimal(long unscaled, int scale) implements Comparable<Decimal> {

    /** A well-formed decimal that does not fit: more than 64 bits of digits, or too many fractional digits. */
    public static final class OutOfRangeException extends NumberFormatException {
        OutOfRangeException(String message) {
            super(message);
        }
    }

    /** The most fractional digits a wire value may have. */
    public static final int MAX_SCALE = 18;

    public static final Decimal ZERO = new Decimal(0, 0);

    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    public Decimal {
        if (scale < 0 || scale > MAX_SCALE) {
            throw new IllegalArgumentException("scale out of range: " + scale);
        }
    }

    public static Decimal of(String text) {
        return parse(text);
    }

    /**
     * Parses a plain decimal: an optional '-', digits, and optionally '.' and more digits. No
     * exponent, no '+', no NaN or Infinity, at most {@value #MAX_SCALE} fractional digits, and the
     * digits must fit a signed 64-bit integer.
     *
     * @throws NumberFormatException with a message that says what is wrong; an
     *     {@link OutOfRangeException} when the text is a decimal that does not fit
     */
    public static Decimal parse(CharSequence text) {
        int len = text.length();
        if (len == 0) {
            throw new NumberFormatException("empty decimal");
        }
        int i = 0;
        boolean negative = text.charAt(0) == '-';
        if (negative) {
            i++;
        }
        long unscaled = 0;
        int scale = -1;
        int digits = 0;
        for (; i < len; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (scale >= 0 || digits == 0) {
                    throw new NumberFormatException("not a plain decimal: " + text);
                }
                scale = 0;
                continue;
            }
            if (c < '0' || c > '9') {
                throw new NumberFormatException("not a plain decimal: " + text);
            }
            int d = c - '0';
            if (unscaled > (Long.MAX_VALUE - d) / 10) {
                throw new OutOfRangeException("too many digits to fit 64 bits: " + text);
            }
            unscaled = unscaled * 10 + d;
            digits++;
            if (scale >= 0) {
                scale++;
            }
        }
        if (digits == 0 || scale == 0) {
            throw new NumberFormatException("not a plain decimal: " + text);
        }
        if (scale > MAX_SCALE) {
            throw new OutOfRangeException("more than " + MAX_SCALE + " fractional digits: " + text);
        }
        return new Decimal(negative ? -unscaled : unscaled, Math.max(scale, 0));
    }

    public int signum() {
        return Long.signum(unscaled);
    }

    /** 10^n for 0 <= n <= 18. */
    public static long pow10(int n) {
        return POW10[n];
    }

    /**
     * This value in units of 10^-targetScale, or {@link Long#MIN_VALUE} if it is not a whole number
     * of such units or does not fit 64 bits.
     */
    public long unitsAt(int targetScale) {
        if (targetScale >= scale) {
            int shift = targetScale - scale;
            if (shift > MAX_SCALE) {
                return unscaled == 0 ? 0 : Long.MIN_VALUE;
            }
            long f = POW10[shift];
            long hi = Math.multiplyHigh(unscaled, f);
            long lo = unscaled * f;
            return (hi == 0 && lo >= 0) || (hi == -1 && lo < 0) ? lo : Long.MIN_VALUE;
        }
        long f = POW10[scale - targetScale];
        return unscaled % f == 0 ? unscaled / f : Long.MIN_VALUE;
    }

    /** The same number with trailing fractional zeros removed. */
    public Decimal stripTrailingZeros() {
        long u = unscaled;
        int s = scale;
        while (s > 0 && u % 10 == 0) {
            u /= 10;
            s--;
        }
        return s == scale ? this : new Decimal(u, s);
    }

    /** Numeric comparison: 1.50 equals 1.5. */
    @Override
    public int compareTo(Decimal o) {
        int s = Math.max(scale, o.scale);
        long a = unitsAt(s);
        long b = o.unitsAt(s);
        if (a != Long.MIN_VALUE && b != Long.MIN_VALUE) {
            return Long.compare(a, b);
        }
        return toBigDecimal().compareTo(o.toBigDecimal());
    }

    /** The same number as a {@link java.math.BigDecimal} (for JDBC), exactly. */
    public java.math.BigDecimal toBigDecimal() {
        return java.math.BigDecimal.valueOf(unscaled, scale);
    }

    public boolean numericallyEquals(Decimal o) {
        return o != null && compareTo(o) == 0;
    }

    @Override
    public String toString() {
        return format(unscaled, scale);
    }

    /** Formats {@code units * 10^-scale} as a plain decimal string with exactly {@code scale} fractional digits. */
    public static String format(long units, int scale) {
        StringBuilder sb = new StringBuilder(24);
        appendTo(sb, units, scale);
        return sb.toString();
    }

    /** Appends {@code units * 10^-scale} to {@code sb} without allocating intermediate strings. */
    public static void appendTo(StringBuilder sb, long units, int scale) {
        if (units < 0) {
            if (units == Long.MIN_VALUE) {
                sb.append(new java.math.BigDecimal(java.math.BigInteger.valueOf(units), scale).toPlainString());
                return;
            }
            sb.append('-');
            units = -units;
        }
        if (scale == 0) {
            sb.append(units);
            return;
        }
        long f = POW10[scale];
        sb.append(units / f).append('.');
        long frac = units % f;
        for (long p = f / 10; p > 1 && frac < p; p /= 10) {
            sb.append('0');
        }
        sb.append(frac);
    }
}
