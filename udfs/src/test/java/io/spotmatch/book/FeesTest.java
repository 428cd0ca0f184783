package io.spotmatch.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FeesTest {

    private static final BigInteger ONE = BigInteger.valueOf(SymbolSpec.RATE_ONE);

    /** ceil(sum(notional_i x rate_i) / 10^8), computed with big integers. */
    private static long exactCeil(BigInteger owed) {
        BigInteger[] qr = owed.divideAndRemainder(ONE);
        return qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0);
    }

    @Test
    void totalFeesNeverDriftFromTheRateAppliedToTheTotal() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int orderNo = 0; orderNo < 2_000; orderNo++) {
            Order o = new Order();
            BigInteger owed = BigInteger.ZERO;
            long charged = 0;
            int fills = 1 + rnd.nextInt(60);
            for (int f = 0; f < fills; f++) {
                long notional = rnd.nextInt(4) == 0
                        ? rnd.nextLong(1, Long.MAX_VALUE / 64)
                        : rnd.nextLong(1, 10_000_000); // an order total always fits 63 bits
                long rate = rnd.nextInt(5) == 0 ? rnd.nextLong(0, SymbolSpec.RATE_ONE + 1) : rnd.nextLong(0, 300_000);
                long fee = Fees.charge(o, notional, rate);
                assertThat(fee).isNotNegative();
                charged += fee;
                owed = owed.add(BigInteger.valueOf(notional).multiply(BigInteger.valueOf(rate)));
                assertThat(charged).as("order %d after fill %d", orderNo, f).isEqualTo(exactCeil(owed));
                assertThat(o.fees()).isEqualTo(charged);
            }
        }
    }

    @Test
    void roundsUpToTheQuoteGrid() {
        Order o = new Order();
        // 10001 units at 0.15%: 15.0015 units owed, 16 charged; then 15 and 15.
        assertThat(Fees.charge(o, 10_001, 150_000)).isEqualTo(16);
        assertThat(Fees.charge(o, 10_001, 150_000)).isEqualTo(15);
        assertThat(Fees.charge(o, 10_001, 150_000)).isEqualTo(15);
        assertThat(o.fees()).isEqualTo(46);
        assertThat(Fees.charge(new Order(), 1, 0)).isZero();
        assertThat(Fees.charge(new Order(), Long.MAX_VALUE, SymbolSpec.RATE_ONE))
                .isEqualTo(Long.MAX_VALUE);
    }
}
