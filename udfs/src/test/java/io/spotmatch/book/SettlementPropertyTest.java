package io.spotmatch.book;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.ledger.Holds;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Long adversarial streams ({@link RandomCommands}: every order type, amends, cancels, STP, fee
 * changes, halts, book wipes) after deposits. After every command: per asset, the sum of every
 * account's available plus held equals the deposits; every closed order holds nothing; every open
 * order holds exactly {@link Holds#hold} of its state, never less than zero.
 */
class SettlementPropertyTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void fundsAreConservedAndClosedOrdersHoldNothing(long seed) {
        SettlementBook s = new SettlementBook();
        for (long user = 1; user <= 6; user++) {
            s.deposit(user, "BTC", "1000");
            s.deposit(user, "USDT", "1000000");
        }
        List<Command> commands = new RandomCommands(seed).take(20_000);
        int trades = 0;
        int checkedClosed = 0;
        int ocoPairs = 0;
        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            s.run(c, RandomCommands.time(i));
            for (String asset : new String[] {"BTC", "USDT"}) {
                BigDecimal total = BigDecimal.ZERO;
                for (var e : s.balances.entrySet()) {
                    if (e.getKey().endsWith(" " + asset)) {
                        total = total.add(e.getValue()[0]).add(e.getValue()[1]);
                    }
                }
                assertThat(total).as("%s after %s", asset, c).isEqualByComparingTo(s.deposits.get(asset));
            }
            Set<Long> open = new HashSet<>();
            Map<Long, Order> openOrders = new HashMap<>();
            s.book.forEachOrder(o -> {
                open.add(o.orderId());
                openOrders.put(o.orderId(), o);
            });
            for (Order o : s.book.waitingStops()) {
                open.add(o.orderId());
                openOrders.put(o.orderId(), o);
            }
            // A closed order never moves again: each is checked once, right after the command that closed it.
            for (; checkedClosed < s.closed.size(); checkedClosed++) {
                long id = s.closed.get(checkedClosed);
                assertThat(open).as("closed order %d after %s", id, c).doesNotContain(id);
                assertThat(s.heldByOrder.getOrDefault(id, BigDecimal.ZERO))
                        .as("closed order %d after %s", id, c)
                        .isEqualByComparingTo("0");
            }
            SymbolSpec spec = s.book.spec();
            for (Order o : openOrders.values()) {
                if (o.ocoLeg() != null && o.type().isStop()) {
                    // The two legs of an OCO hold together exactly the larger of what each would alone.
                    Order limit = o.ocoLeg();
                    int scale = o.isBuy() ? spec.notionalScale() : spec.qtyScale();
                    assertThat(s.heldByOrder
                                    .getOrDefault(o.orderId(), BigDecimal.ZERO)
                                    .add(s.heldByOrder.getOrDefault(limit.orderId(), BigDecimal.ZERO)))
                            .as("held by the OCO %s and %s", limit, o)
                            .isEqualByComparingTo(
                                    BigDecimal.valueOf(Math.max(alone(spec, o), alone(spec, limit)), scale));
                    ocoPairs++;
                }
                long hold = Holds.hold(spec, o);
                int scale = o.isBuy() ? spec.notionalScale() : spec.qtyScale();
                assertThat(hold).as("hold of %s", o).isNotNegative();
                assertThat(s.heldByOrder.getOrDefault(o.orderId(), BigDecimal.ZERO))
                        .as("held by open %s", o)
                        .isEqualByComparingTo(BigDecimal.valueOf(hold, scale));
            }
        }
        trades = (int) s.movements.stream()
                .filter(m -> m.leg() == io.spotmatch.ledger.Leg.FEE)
                .count();
        assertThat(trades).as("the stream trades (with fees)").isGreaterThan(100);
        assertThat(ocoPairs).as("open OCO pairs checked").isGreaterThan(1000);
        BigDecimal held = BigDecimal.ZERO;
        for (var e : s.balances.values()) {
            held = held.add(e[1]);
        }
        s.run(ScenarioTest.command("SYMBOL status=HALTED cancelOpenOrders=true"));
        BigDecimal after = BigDecimal.ZERO;
        for (var e : s.balances.values()) {
            after = after.add(e[1]);
        }
        assertThat(after)
                .as("nothing held once every order is closed (before: %s)", held)
                .isEqualByComparingTo("0");
    }

    /** What an order would hold if it were not an OCO leg: the plain rule on its own fields. */
    private static long alone(SymbolSpec spec, Order o) {
        return Holds.hold(
                spec,
                o.side(),
                o.type(),
                o.price(),
                o.quantity(),
                o.quoteQuantity(),
                o.filled(),
                o.filledQuote(),
                o.fees(),
                o.feeRemainder());
    }
}
