package io.spotmatch.book;

import io.spotmatch.ledger.Holds;
import io.spotmatch.ledger.Leg;
import io.spotmatch.ledger.Movement;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A book with settlement, for tests: runs commands through a {@link HeapOrderBook}, turns its
 * callbacks into movements with {@link Holds} (exactly as the job's {@code SymbolBook} does), and
 * keeps balances, per order holds and what was deposited, all as exact decimals.
 */
final class SettlementBook implements EventSink {

    final OrderBook book;
    private final Holds holds = new Holds("BTC-USDT", null);
    final List<Movement> movements = new ArrayList<>();
    /** "account asset" -> {available, held}. */
    final Map<String, BigDecimal[]> balances = new TreeMap<>();
    /** order id -> sum of its held deltas. */
    final Map<Long, BigDecimal> heldByOrder = new TreeMap<>();

    final Map<String, BigDecimal> deposits = new TreeMap<>();
    final List<Long> closed = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();

    SettlementBook() {
        this(new HeapOrderBook());
    }

    SettlementBook(OrderBook book) {
        this.book = book;
    }

    void deposit(long account, String asset, String amount) {
        BigDecimal a = new BigDecimal(amount);
        balance(account, asset)[0] = balance(account, asset)[0].add(a);
        deposits.merge(asset, a, BigDecimal::add);
    }

    /** Runs one command (scenario syntax) and returns its movements, one line each. */
    List<String> run(String command) {
        return run(ScenarioTest.command(command));
    }

    List<String> run(Command command) {
        return run(command, Long.MIN_VALUE);
    }

    /** Runs one command at a time (epoch ms; Long.MIN_VALUE: none, nothing expires). */
    List<String> run(Command command, long time) {
        lines.clear();
        book.process(command, time, this);
        return List.copyOf(lines);
    }

    BigDecimal available(long account, String asset) {
        return balance(account, asset)[0];
    }

    BigDecimal held(long account, String asset) {
        return balance(account, asset)[1];
    }

    private BigDecimal[] balance(long account, String asset) {
        return balances.computeIfAbsent(
                account + " " + asset, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
    }

    private void apply(Movement m) {
        movements.add(m);
        BigDecimal available = BigDecimal.valueOf(m.available(), m.scale());
        BigDecimal held = BigDecimal.valueOf(m.held(), m.scale());
        BigDecimal[] b = balance(m.account(), m.asset());
        b[0] = b[0].add(available);
        b[1] = b[1].add(held);
        if (m.leg() != Leg.FEE && m.held() != 0) {
            heldByOrder.merge(m.orderId(), held, BigDecimal::add);
        }
        lines.add("#" + m.seq() + " " + m.leg() + (m.orderId() != 0 ? " order=" + m.orderId() : "")
                + (m.account() == Holds.FEE_ACCOUNT ? " fees" : " user=" + m.account()) + " " + m.asset()
                + " available" + signed(available) + " held" + signed(held));
    }

    private static String signed(BigDecimal d) {
        return d.signum() == 0 ? " 0" : d.signum() > 0 ? " +" + d.toPlainString() : " " + d.toPlainString();
    }

    @Override
    public void accepted(long seq, Order order) {
        holds.accepted(seq, order, this::apply);
    }

    @Override
    public void trade(
            long seq,
            long tradeId,
            Order taker,
            Order maker,
            long price,
            long quantity,
            long quoteQuantity,
            long takerFee,
            long makerFee) {
        holds.trade(seq, taker, maker, quantity, quoteQuantity, takerFee, makerFee, this::apply);
        if (!taker.status().isOpen()) {
            closed.add(taker.orderId());
        }
        if (!maker.status().isOpen()) {
            closed.add(maker.orderId());
        }
    }

    @Override
    public void cancelled(long seq, Order order, CancelReason reason) {
        holds.cancelled(seq, order, this::apply);
        closed.add(order.orderId());
    }

    @Override
    public void cancelledAll(long seq, long userId, int count) {}

    @Override
    public void amended(long seq, Order order, long previousPrice, long previousQuantity, boolean priorityKept) {
        holds.amended(seq, order, previousPrice, previousQuantity, this::apply);
    }

    @Override
    public void decremented(long seq, Order order, long previousQuantity, long previousQuoteQuantity) {
        holds.decremented(seq, order, previousQuantity, previousQuoteQuantity, this::apply);
    }

    @Override
    public void triggered(long seq, Order order) {}

    @Override
    public void rejected(long seq, Command command, RejectReason reason) {}

    @Override
    public void symbolUpdated(long seq, SymbolSpec spec) {
        holds.symbolUpdated(seq, spec, book, this::apply);
    }
}
