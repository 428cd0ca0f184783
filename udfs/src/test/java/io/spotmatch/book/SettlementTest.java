package io.spotmatch.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Settlement as an accountant reads it: every command's balance movements, exactly. The symbol:
 * BTC-USDT, tick 0.01, step 0.001 (USDT amounts in 0.00001, BTC in 0.001), maker fee 0.1 %, taker
 * fee 0.2 %. A buy holds price x quantity plus the most fee it can pay (0.2 %); a sell its quantity.
 * After every scenario every user's USDT and BTC add up to what was deposited (fees included).
 */
class SettlementTest {

    private static final String LISTING = "SYMBOL base=BTC quote=USDT tick=0.01 step=0.001 maker=0.001 taker=0.002";

    private final SettlementBook s = new SettlementBook();

    SettlementTest() {
        s.run(LISTING);
        s.deposit(1, "BTC", "10");
        s.deposit(1, "USDT", "1000");
        s.deposit(2, "BTC", "10");
        s.deposit(2, "USDT", "1000");
    }

    @Test
    void takerBuysFromMakerSeller() {
        assertThat(s.run("NEW id=1 user=1 side=SELL type=LIMIT price=100.00 qty=1.000"))
                .containsExactly("#2 HOLD order=1 user=1 BTC available -1.000 held +1.000");
        assertThat(s.run("NEW id=2 user=2 side=BUY type=LIMIT price=100.00 qty=1.000"))
                .containsExactly(
                        "#3 HOLD order=2 user=2 USDT available -100.20000 held +100.20000",
                        // the buyer pays 100 + 0.2 taker fee, exactly what it held
                        "#4 TRADE order=2 user=2 USDT available 0 held -100.20000",
                        "#4 TRADE order=2 user=2 BTC available +1.000 held 0",
                        "#4 TRADE order=1 user=1 BTC available 0 held -1.000",
                        // the seller receives 100 less its 0.1 maker fee
                        "#4 TRADE order=1 user=1 USDT available +99.90000 held 0",
                        "#4 FEE fees USDT available +0.30000 held 0");
        assertBalance(1, "BTC", "9", "0");
        assertBalance(1, "USDT", "1099.9", "0");
        assertBalance(2, "BTC", "11", "0");
        assertBalance(2, "USDT", "899.8", "0");
        assertBalance(0, "USDT", "0.3", "0");
        assertConserved();
    }

    /**
     * An OCO holds the larger of its legs: the limit leg its own hold, the stop leg what it needs
     * beyond that. When the stop triggers, the limit leg's hold goes back and the stop leg takes it.
     */
    @Test
    void aBuyOcoHoldsTheLargerLegAndItsTriggerMovesTheLimitLegsHoldToTheStopLeg() {
        s.run("NEW id=1 user=1 side=SELL type=LIMIT price=100.00 qty=0.100");
        s.run("NEW id=2 user=2 side=BUY type=LIMIT price=100.00 qty=0.100"); // last price 100.00
        assertThat(s.run("NEW id=3 user=2 side=BUY type=OCO price=95.00 stop=101.00 stopLimit=102.00 qty=1.000"))
                .containsExactly(
                        // the limit leg: 95.00 and its most fee (0.2 %)
                        "#5 HOLD order=3 user=2 USDT available -95.19000 held +95.19000",
                        // the stop-limit leg alone would hold 102.20400: only the difference
                        "#6 HOLD order=4 user=2 USDT available -7.01400 held +7.01400");
        s.run("NEW id=5 user=1 side=SELL type=LIMIT price=101.00 qty=1.100");
        assertThat(s.run("NEW id=6 user=1 side=BUY type=LIMIT price=101.00 qty=0.100"))
                .containsExactly(
                        "#8 HOLD order=6 user=1 USDT available -10.12020 held +10.12020",
                        "#9 TRADE order=6 user=1 USDT available 0 held -10.12020",
                        "#9 TRADE order=6 user=1 BTC available +0.100 held 0",
                        "#9 TRADE order=5 user=1 BTC available 0 held -0.100",
                        "#9 TRADE order=5 user=1 USDT available +10.08990 held 0",
                        "#9 FEE fees USDT available +0.03030 held 0",
                        // the limit leg is cancelled: its hold goes back, and the stop leg now holds all it needs
                        "#10 RELEASE order=3 user=2 USDT available +95.19000 held -95.19000",
                        "#10 HOLD order=4 user=2 USDT available -95.19000 held +95.19000",
                        // triggered at 102.00, it buys 1.000 at 101.00: 101.20200 used, 1.00200 back
                        "#12 TRADE order=4 user=2 USDT available +1.00200 held -102.20400",
                        "#12 TRADE order=4 user=2 BTC available +1.000 held 0",
                        "#12 TRADE order=5 user=1 BTC available 0 held -1.000",
                        "#12 TRADE order=5 user=1 USDT available +100.89900 held 0",
                        "#12 FEE fees USDT available +0.30300 held 0");
        assertBalance(2, "USDT", "888.778", "0"); // 1000 - 10.02 - 101.202
        assertConserved();
    }

    /** A sell OCO holds its quantity once: the stop leg holds nothing while the limit leg is open. */
    @Test
    void aSellOcoHoldsItsQuantityOnceAndAFillOfTheLimitLegCancelsTheStopLeg() {
        s.run("NEW id=1 user=1 side=SELL type=LIMIT price=100.00 qty=0.100");
        s.run("NEW id=2 user=2 side=BUY type=LIMIT price=100.00 qty=0.100");
        assertThat(s.run("NEW id=3 user=2 side=SELL type=OCO price=105.00 stop=95.00 qty=10.000"))
                .containsExactly("#5 HOLD order=3 user=2 BTC available -10.000 held +10.000");
        assertThat(s.run("NEW id=5 user=1 side=BUY type=LIMIT price=105.00 qty=1.000"))
                .containsExactly(
                        "#7 HOLD order=5 user=1 USDT available -105.21000 held +105.21000",
                        "#9 TRADE order=5 user=1 USDT available 0 held -105.21000",
                        "#9 TRADE order=5 user=1 BTC available +1.000 held 0",
                        "#9 TRADE order=3 user=2 BTC available 0 held -1.000",
                        "#9 TRADE order=3 user=2 USDT available +104.89500 held 0",
                        "#9 FEE fees USDT available +0.31500 held 0");
        assertThat(s.run("CANCEL id=3 user=2"))
                .containsExactly("#10 RELEASE order=3 user=2 BTC available +9.000 held -9.000");
        assertBalance(2, "BTC", "9.1", "0");
        assertConserved();
    }

    @Test
    void takerSellsToMakerBuyer() {
        assertThat(s.run("NEW id=1 user=1 side=BUY type=LIMIT price=100.00 qty=1.000"))
                .containsExactly("#2 HOLD order=1 user=1 USDT available -100.20000 held +100.20000");
        assertThat(s.run("NEW id=2 user=2 side=SELL type=LIMIT price=100.00 qty=1.000"))
                .containsExactly(
                        "#3 HOLD order=2 user=2 BTC available -1.000 held +1.000",
                        "#4 TRADE order=2 user=2 BTC available 0 held -1.000",
                        "#4 TRADE order=2 user=2 USDT available +99.80000 held 0",
                        // the maker held the taker fee (0.2) and paid the maker fee (0.1): 0.1 comes back
                        "#4 TRADE order=1 user=1 USDT available +0.10000 held -100.20000",
                        "#4 TRADE order=1 user=1 BTC available +1.000 held 0",
                        "#4 FEE fees USDT available +0.30000 held 0");
        assertBalance(1, "USDT", "899.9", "0");
        assertBalance(2, "USDT", "1099.8", "0");
        assertConserved();
    }

    /** An iceberg holds like the same order without it: its whole quantity, reserve included; a refresh moves none. */
    @Test
    void anIcebergBuyHoldsItsWholeQuantityAndARefreshMovesNothing() {
        assertThat(s.run("NEW id=1 user=1 side=BUY type=LIMIT price=100.00 qty=1.000 iceberg=0.200"))
                .containsExactly("#2 HOLD order=1 user=1 USDT available -100.20000 held +100.20000");
        // 0.200 empties the first slice, 0.100 comes from the next one: each fill uses its own part of the hold
        assertThat(s.run("NEW id=2 user=2 side=SELL type=LIMIT price=100.00 qty=0.300"))
                .containsExactly(
                        "#3 HOLD order=2 user=2 BTC available -0.300 held +0.300",
                        "#4 TRADE order=2 user=2 BTC available 0 held -0.200",
                        "#4 TRADE order=2 user=2 USDT available +19.96000 held 0",
                        "#4 TRADE order=1 user=1 USDT available +0.02000 held -20.04000",
                        "#4 TRADE order=1 user=1 BTC available +0.200 held 0",
                        "#4 FEE fees USDT available +0.06000 held 0",
                        "#5 TRADE order=2 user=2 BTC available 0 held -0.100",
                        "#5 TRADE order=2 user=2 USDT available +9.98000 held 0",
                        "#5 TRADE order=1 user=1 USDT available +0.01000 held -10.02000",
                        "#5 TRADE order=1 user=1 BTC available +0.100 held 0",
                        "#5 FEE fees USDT available +0.03000 held 0");
        assertBalance(1, "USDT", "899.83", "70.14");
        assertThat(s.run("CANCEL id=1 user=1"))
                .containsExactly("#6 RELEASE order=1 user=1 USDT available +70.14000 held -70.14000");
        assertBalance(1, "USDT", "969.97", "0");
        assertConserved();
    }

    @Test
    void makerBuyerAndSellerAreTheSameUser() {
        s.run("NEW id=1 user=1 side=SELL type=LIMIT price=100.00 qty=1.000");
        assertThat(s.run("NEW id=2 user=1 side=BUY type=LIMIT price=100.00 qty=1.000"))
                .containsExactly(
                        "#3 HOLD order=2 user=1 USDT available -100.20000 held +100.20000",
                        "#4 TRADE order=2 user=1 USDT available 0 held -100.20000",
                        "#4 TRADE order=2 user=1 BTC available +1.000 held 0",
                        "#4 TRADE order=1 user=1 BTC available 0 held -1.000",
                        "#4 TRADE order=1 user=1 USDT available +99.90000 held 0",
                        "#4 FEE fees USDT available +0.30000 held 0");
        // a self-trade costs the user its two fees and nothing else
        assertBalance(1, "USDT", "999.7", "0");
        assertBalance(1, "BTC", "10", "0");
        assertConserved();
    }

    @Test
    void partialFillAtABetterPriceReleasesTheDifferenceThenCancelReleasesTheRest() {
        s.run("NEW id=1 user=1 side=SELL type=LIMIT price=100.00 qty=0.500");
        assertThat(s.run("NEW id=2 user=2 side=BUY type=LIMIT price=101.00 qty=1.000"))
                .containsExactly(
                        // 101 x 1 + 0.2 % of it
                        "#3 HOLD order=2 user=2 USDT available -101.20200 held +101.20200",
                        // 0.5 bought at 100 (50 + 0.1 fee); held for 0.5 at 101 was 50.5 + 0.101: 0.501 comes back,
                        // and the rest (0.5 at 101 with its fee, 50.601) stays held
                        "#4 TRADE order=2 user=2 USDT available +0.50100 held -50.60100",
                        "#4 TRADE order=2 user=2 BTC available +0.500 held 0",
                        "#4 TRADE order=1 user=1 BTC available 0 held -0.500",
                        "#4 TRADE order=1 user=1 USDT available +49.95000 held 0",
                        "#4 FEE fees USDT available +0.15000 held 0");
        assertBalance(2, "USDT", "899.29900", "50.60100");
        assertThat(s.run("CANCEL id=2 user=2"))
                .containsExactly("#5 RELEASE order=2 user=2 USDT available +50.60100 held -50.60100");
        assertBalance(2, "USDT", "949.9", "0"); // paid 50 and its 0.1 fee for 0.5 BTC
        assertConserved();
    }

    @Test
    void manyFillsOfOneOrderLeaveNoDust() {
        // 0.001 BTC at 100.01 is 0.10001 USDT; its 0.2 % fee 0.00020002 rounds up per order, not per fill.
        // The order holds 1.0001 + 0.00201; after 3 fills it still holds 7 lots and the fee they can add: 0.70007 +
        // 0.00140
        for (int i = 1; i <= 3; i++) {
            s.run("NEW id=" + i + " user=1 side=SELL type=LIMIT price=100.01 qty=0.001");
        }
        s.run("NEW id=4 user=2 side=BUY type=LIMIT price=100.01 qty=0.010");
        assertBalance(2, "USDT", "998.99789", "0.70147");
        assertThat(s.run("CANCEL id=4 user=2"))
                .containsExactly("#9 RELEASE order=4 user=2 USDT available +0.70147 held -0.70147");
        // 3 x 0.10001 plus ceil(3 x 0.00020002) = 0.30003 + 0.00061
        assertBalance(2, "USDT", "999.69936", "0");
        assertConserved();
    }

    @Test
    void amendDownReleasesAndAmendUpHoldsMore() {
        s.run("NEW id=1 user=2 side=BUY type=LIMIT price=100.00 qty=1.000");
        assertThat(s.run("AMEND id=1 user=2 qty=0.400"))
                .containsExactly("#3 HOLD order=1 user=2 USDT available +60.12000 held -60.12000");
        assertThat(s.run("AMEND id=1 user=2 price=101.00 qty=2.000"))
                .containsExactly("#4 HOLD order=1 user=2 USDT available -162.32400 held +162.32400");
        assertBalance(2, "USDT", "797.596", "202.40400");
        s.run("NEW id=2 user=1 side=SELL type=LIMIT price=200.00 qty=1.000");
        assertThat(s.run("AMEND id=2 user=1 qty=3.000"))
                .containsExactly("#6 HOLD order=2 user=1 BTC available -2.000 held +2.000");
        assertConserved();
    }

    @Test
    void marketBuyByQuoteHoldsItsBudgetAndReleasesWhatItCouldNotSpend() {
        s.run("NEW id=1 user=1 side=SELL type=LIMIT price=100.00 qty=1.000");
        s.run("NEW id=2 user=1 side=SELL type=LIMIT price=120.00 qty=1.000");
        assertThat(s.run("NEW id=3 user=2 side=BUY type=MARKET quote=100.05"))
                .containsExactly(
                        // the budget and 0.2 % of it
                        "#4 HOLD order=3 user=2 USDT available -100.25010 held +100.25010",
                        "#5 TRADE order=3 user=2 USDT available 0 held -100.20000",
                        "#5 TRADE order=3 user=2 BTC available +1.000 held 0",
                        "#5 TRADE order=1 user=1 BTC available 0 held -1.000",
                        "#5 TRADE order=1 user=1 USDT available +99.90000 held 0",
                        "#5 FEE fees USDT available +0.30000 held 0",
                        // 0.05 could not buy another lot at 120: it comes back with its fee
                        "#6 RELEASE order=3 user=2 USDT available +0.05010 held -0.05010");
        assertConserved();
    }

    @Test
    void marketSellByQuoteHoldsTheMostItCanSellAndReleasesWhatItDidNot() {
        SettlementBook b = new SettlementBook();
        // tick 10: USDT amounts in 0.001, one lot at one tick is 0.01 USDT
        b.run("SYMBOL base=BTC quote=USDT tick=10 step=0.001 maxPrice=1000 maxQty=100 maker=0.001 taker=0.002");
        b.run("NEW id=1 user=1 side=BUY type=LIMIT price=100 qty=0.300");
        assertThat(b.run("NEW id=2 user=2 side=SELL type=MARKET quote=50"))
                .containsExactly(
                        // the most it can sell: 50 USDT at the lowest price (one tick) is 5 BTC
                        "#3 HOLD order=2 user=2 BTC available -5.000 held +5.000",
                        // sold 0.3 for 30; the 20 left ask at most 2 BTC at one tick
                        "#4 TRADE order=2 user=2 BTC available +2.700 held -3.000",
                        "#4 TRADE order=2 user=2 USDT available +29.940 held 0",
                        "#4 TRADE order=1 user=1 USDT available +0.030 held -30.060",
                        "#4 TRADE order=1 user=1 BTC available +0.300 held 0",
                        "#4 FEE fees USDT available +0.090 held 0",
                        "#5 RELEASE order=2 user=2 BTC available +2.000 held -2.000");
        assertThat(b.held(2, "BTC")).isEqualByComparingTo("0");
        assertThat(b.available(2, "BTC")).isEqualByComparingTo("-0.3");
        assertThat(b.held(1, "USDT")).isEqualByComparingTo("0");
    }

    @Test
    void aWaitingStopLimitBuyHoldsLikeItsLimitOrderAndItsTriggerMovesNothing() {
        s.run("NEW id=1 user=1 side=SELL type=LIMIT price=100.00 qty=1.000");
        s.run("NEW id=2 user=2 side=BUY type=LIMIT price=100.00 qty=0.100"); // last price 100.00
        assertThat(s.run("NEW id=3 user=2 side=BUY type=STOP_LOSS_LIMIT stop=101.00 price=101.00 qty=0.500"))
                .containsExactly("#5 HOLD order=3 user=2 USDT available -50.60100 held +50.60100");
        assertThat(s.run("CANCEL id=3 user=2"))
                .containsExactly("#6 RELEASE order=3 user=2 USDT available +50.60100 held -50.60100");
        assertThat(s.run("NEW id=4 user=2 side=BUY type=TAKE_PROFIT_LIMIT stop=99.90 price=100.00 qty=0.500"))
                .containsExactly("#7 HOLD order=4 user=2 USDT available -50.10000 held +50.10000");
        s.run("NEW id=5 user=1 side=BUY type=LIMIT price=99.90 qty=0.100");
        // a trade at 99.90 triggers order 4, which buys 0.5 of order 1 at 100.00: trades move funds, the trigger not
        List<String> moves = s.run("NEW id=6 user=2 side=SELL type=LIMIT price=99.90 qty=0.100");
        assertThat(moves)
                .containsExactly(
                        "#9 HOLD order=6 user=2 BTC available -0.100 held +0.100",
                        "#10 TRADE order=6 user=2 BTC available 0 held -0.100",
                        "#10 TRADE order=6 user=2 USDT available +9.97002 held 0",
                        "#10 TRADE order=5 user=1 USDT available +0.00999 held -10.00998",
                        "#10 TRADE order=5 user=1 BTC available +0.100 held 0",
                        "#10 FEE fees USDT available +0.02997 held 0",
                        // #11 is the TRIGGERED of order 4: nothing moves; its fill uses exactly what it held
                        "#12 TRADE order=4 user=2 USDT available 0 held -50.10000",
                        "#12 TRADE order=4 user=2 BTC available +0.500 held 0",
                        "#12 TRADE order=1 user=1 BTC available 0 held -0.500",
                        "#12 TRADE order=1 user=1 USDT available +49.95000 held 0",
                        "#12 FEE fees USDT available +0.15000 held 0");
        assertThat(s.held(2, "USDT")).isEqualByComparingTo("0");
        assertConserved();
    }

    @Test
    void stpDecrementReleasesWhatTheLoweredOrderNoLongerNeeds() {
        s.run("NEW id=1 user=1 side=SELL type=LIMIT price=100.00 qty=1.000");
        assertThat(s.run("NEW id=2 user=1 side=BUY type=LIMIT price=100.00 qty=0.400 stp=DECREMENT"))
                .containsExactly(
                        "#3 HOLD order=2 user=1 USDT available -40.08000 held +40.08000",
                        "#4 RELEASE order=1 user=1 BTC available +0.400 held -0.400",
                        "#5 RELEASE order=2 user=1 USDT available +40.08000 held -40.08000");
        assertThat(s.held(1, "BTC")).isEqualByComparingTo("0.6");
        assertThat(s.held(1, "USDT")).isEqualByComparingTo("0");
        assertConserved();
    }

    @Test
    void marketBuyByQuantityHoldsAtMaxPriceForTheCommandOnly() {
        SettlementBook b = new SettlementBook();
        b.run("SYMBOL base=BTC quote=USDT tick=0.01 step=0.001 maxPrice=1000 maxQty=100 taker=0.002");
        b.run("NEW id=1 user=1 side=SELL type=LIMIT price=100.00 qty=1.000");
        assertThat(b.run("NEW id=2 user=2 side=BUY type=MARKET qty=2.000"))
                .containsExactly(
                        "#3 HOLD order=2 user=2 USDT available -2004.00000 held +2004.00000",
                        // 1 bought at 100 with its fee (100.2); 1 left, held at 1000 with its fee until the remainder
                        // is cancelled
                        "#4 TRADE order=2 user=2 USDT available +901.80000 held -1002.00000",
                        "#4 TRADE order=2 user=2 BTC available +1.000 held 0",
                        "#4 TRADE order=1 user=1 BTC available 0 held -1.000",
                        "#4 TRADE order=1 user=1 USDT available +100.00000 held 0",
                        "#4 FEE fees USDT available +0.20000 held 0",
                        "#5 RELEASE order=2 user=2 USDT available +1002.00000 held -1002.00000");
        assertThat(b.held(2, "USDT")).isEqualByComparingTo("0");
        assertThat(b.available(2, "USDT")).isEqualByComparingTo("-100.2");
    }

    @Test
    void aHugeMarketBuyByQuantityHoldsAtMostWhatFitsAndReleasesItExactly() {
        SettlementBook b = new SettlementBook();
        // maxPrice and maxQty default to the largest that fit 63 bits together
        b.run("SYMBOL base=BTC quote=USDT tick=0.01 step=0.001 taker=0.5");
        b.run("NEW id=1 user=1 side=SELL type=LIMIT price=100.00 qty=1.000");
        SymbolSpec spec = b.book.spec();
        String qty = spec.lotsToDecimal(spec.maxQtyLots()).toString();
        List<String> moves = b.run("NEW id=2 user=2 side=BUY type=MARKET qty=" + qty);
        assertThat(moves.get(0))
                .startsWith("#3 HOLD order=2 user=2 USDT available -" + spec.notionalToDecimal(Long.MAX_VALUE));
        assertThat(b.held(2, "USDT")).isEqualByComparingTo("0");
        assertThat(b.available(2, "USDT")).isEqualByComparingTo("-150"); // 100 and its 50 % fee
        assertThat(b.available(1, "USDT")).isEqualByComparingTo("100");
        assertThat(b.available(0, "USDT")).isEqualByComparingTo("50");
    }

    @Test
    void selfTradePreventionExpiresTheMakerAndReleasesItsHold() {
        s.run("NEW id=1 user=1 side=SELL type=LIMIT price=100.00 qty=1.000");
        s.run("NEW id=2 user=2 side=SELL type=LIMIT price=100.00 qty=1.000");
        assertThat(s.run("NEW id=3 user=1 side=BUY type=LIMIT price=100.00 qty=1.500 stp=EXPIRE_MAKER"))
                .containsExactly(
                        "#4 HOLD order=3 user=1 USDT available -150.30000 held +150.30000",
                        "#5 RELEASE order=1 user=1 BTC available +1.000 held -1.000",
                        "#6 TRADE order=3 user=1 USDT available 0 held -100.20000",
                        "#6 TRADE order=3 user=1 BTC available +1.000 held 0",
                        "#6 TRADE order=2 user=2 BTC available 0 held -1.000",
                        "#6 TRADE order=2 user=2 USDT available +99.90000 held 0",
                        "#6 FEE fees USDT available +0.30000 held 0");
        assertBalance(1, "USDT", "849.7", "50.10000");
        assertConserved();
    }

    @Test
    void iocAndFokRemaindersAreReleased() {
        s.run("NEW id=1 user=1 side=SELL type=LIMIT price=100.00 qty=1.000");
        assertThat(s.run("NEW id=2 user=2 side=BUY type=LIMIT price=100.00 qty=2.000 tif=FOK"))
                .containsExactly(
                        "#3 HOLD order=2 user=2 USDT available -200.40000 held +200.40000",
                        "#4 RELEASE order=2 user=2 USDT available +200.40000 held -200.40000");
        assertThat(s.run("NEW id=3 user=2 side=BUY type=LIMIT price=100.00 qty=2.000 tif=IOC"))
                .containsExactly(
                        "#5 HOLD order=3 user=2 USDT available -200.40000 held +200.40000",
                        "#6 TRADE order=3 user=2 USDT available 0 held -100.20000",
                        "#6 TRADE order=3 user=2 BTC available +1.000 held 0",
                        "#6 TRADE order=1 user=1 BTC available 0 held -1.000",
                        "#6 TRADE order=1 user=1 USDT available +99.90000 held 0",
                        "#6 FEE fees USDT available +0.30000 held 0",
                        "#7 RELEASE order=3 user=2 USDT available +100.20000 held -100.20000");
        assertConserved();
    }

    @Test
    void aFeeRateChangeReholdsOpenBuyOrders() {
        s.run("NEW id=1 user=2 side=BUY type=LIMIT price=100.00 qty=1.000");
        s.run("NEW id=2 user=1 side=SELL type=LIMIT price=200.00 qty=1.000");
        assertThat(s.run("SYMBOL taker=0.005"))
                .containsExactly("#4 HOLD order=1 user=2 USDT available -0.30000 held +0.30000");
        assertBalance(2, "USDT", "899.5", "100.50000");
        assertConserved();
    }

    @Test
    void aHaltThatCancelsOpenOrdersReleasesEveryHold() {
        s.run("NEW id=1 user=1 side=SELL type=LIMIT price=101.00 qty=1.000");
        s.run("NEW id=2 user=2 side=BUY type=LIMIT price=100.00 qty=1.000");
        s.run("NEW id=3 user=2 side=BUY type=LIMIT price=99.00 qty=0.500");
        assertThat(s.run("SYMBOL status=HALTED cancelOpenOrders=true"))
                .containsExactlyInAnyOrder(
                        "#6 RELEASE order=1 user=1 BTC available +1.000 held -1.000",
                        "#7 RELEASE order=2 user=2 USDT available +100.20000 held -100.20000",
                        "#8 RELEASE order=3 user=2 USDT available +49.59900 held -49.59900");
        assertBalance(1, "BTC", "10", "0");
        assertBalance(2, "USDT", "1000", "0");
        assertConserved();
    }

    private void assertBalance(long account, String asset, String available, String held) {
        assertThat(s.available(account, asset))
                .as("available %s of %d", asset, account)
                .isEqualByComparingTo(available);
        assertThat(s.held(account, asset)).as("held %s of %d", asset, account).isEqualByComparingTo(held);
    }

    /** Per asset, every account's available plus held is what was deposited; closed orders hold nothing. */
    private void assertConserved() {
        for (String asset : new String[] {"BTC", "USDT"}) {
            BigDecimal total = BigDecimal.ZERO;
            for (var e : s.balances.entrySet()) {
                if (e.getKey().endsWith(" " + asset)) {
                    total = total.add(e.getValue()[0]).add(e.getValue()[1]);
                }
            }
            assertThat(total).as(asset).isEqualByComparingTo(s.deposits.get(asset));
        }
        for (long id : s.closed) {
            assertThat(s.heldByOrder.getOrDefault(id, BigDecimal.ZERO))
                    .as("held by closed order %d", id)
                    .isEqualByComparingTo("0");
        }
    }
}
