package io.spotmatch.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holds the heap book to the reference model: the same seeded command streams must give the same
 * events, in the same order, and the same books, with every invariant checked after every command.
 * Half way through, the heap book is also persisted and restored into a fresh instance, the way
 * the Flink job rebuilds books after a failure, and must carry on identically.
 */
class DifferentialTest {

    private static final int COMMANDS = 120_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void heapBookMatchesReferenceModel(long seed) {
        List<Command> commands = new RandomCommands(seed).take(COMMANDS);
        OrderBook heap = new HeapOrderBook();
        OrderBook reference = new ReferenceOrderBook();
        EventText heapEvents = new EventText(heap);
        EventText referenceEvents = new EventText(reference);
        Map<CommandType, Integer> seen = new EnumMap<>(CommandType.class);
        int maxOpen = 0;
        int sellsByQuoteTraded = 0;
        // Resting icebergs after the last command (id -> priority, price, quantity): a new priority at the
        // same price and quantity is a refresh (an AMEND that loses priority changes the price or quantity).
        Map<Long, List<Long>> icebergs = new java.util.HashMap<>();
        int refreshes = 0;

        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            int linesBefore = referenceEvents.lines.size();
            heap.process(c, RandomCommands.time(i), heapEvents);
            reference.process(c, RandomCommands.time(i), referenceEvents);
            validate(heap, i, c);
            validate(reference, i, c);
            seen.merge(c.type(), 1, Integer::sum);
            if (c.orderType() == OrderType.MARKET && c.side() == Side.SELL && c.quoteQuantity() != null) {
                String taker = "taker=" + c.orderId() + " ";
                sellsByQuoteTraded += referenceEvents.lines.subList(linesBefore, referenceEvents.lines.size()).stream()
                                .anyMatch(l -> l.contains(taker))
                        ? 1
                        : 0;
            }
            maxOpen = Math.max(maxOpen, heap.openOrderCount());
            Map<Long, List<Long>> nowResting = new java.util.HashMap<>();
            reference.forEachOrder(o -> {
                if (o.displayQuantity() != 0) {
                    nowResting.put(o.orderId(), List.of(o.priority(), o.price(), o.quantity()));
                }
            });
            for (Map.Entry<Long, List<Long>> e : nowResting.entrySet()) {
                List<Long> was = icebergs.get(e.getKey());
                if (was != null
                        && !was.get(0).equals(e.getValue().get(0))
                        && was.subList(1, 3).equals(e.getValue().subList(1, 3))) {
                    refreshes++;
                }
            }
            icebergs = nowResting;
            if (heapEvents.lines.size() != referenceEvents.lines.size()) {
                assertThat(heapEvents.lines)
                        .as("events after command " + i + ": " + c)
                        .containsExactlyElementsOf(referenceEvents.lines);
            }
            if (i % 1000 == 0 || i == commands.size() - 1) {
                assertThat(heapEvents.lines).as("events up to command " + i).isEqualTo(referenceEvents.lines);
                assertThat(heap.stateHash()).as("state hash after command " + i).isEqualTo(reference.stateHash());
                for (Side side : Side.values()) {
                    assertThat(heap.depth(side, 10))
                            .as(side + " depth after command " + i)
                            .isEqualTo(reference.depth(side, 10));
                }
            }
            if (i == commands.size() / 2) {
                heap = restoredCopy(heap);
                heapEvents = continueEvents(heap, heapEvents);
            }
        }
        assertThat(heapEvents.lines).isEqualTo(referenceEvents.lines);
        assertThat(EventText.ladder(heap)).isEqualTo(EventText.ladder(reference));

        // The stream must have exercised what it claims to.
        String all = String.join("\n", referenceEvents.lines);
        for (CancelReason reason : CancelReason.values()) {
            assertThat(all).as("a CANCELLED with " + reason).contains("reason=" + reason);
        }
        for (RejectReason reason : RejectReason.values()) {
            assertThat(all).as("a REJECTED with " + reason).contains("reason=" + reason);
        }
        assertThat(all)
                .contains(
                        "DECREMENTED",
                        "TRIGGERED",
                        " oco=",
                        " iceberg=",
                        "priority=KEPT",
                        "priority=LOST",
                        "status=HALTED",
                        "status=CANCEL_ONLY");
        assertThat(seen).containsOnlyKeys(CommandType.values());
        System.out.printf(
                "seed %d: %d events, max %d open orders, %d at the end, %d iceberg refreshes%n",
                seed, referenceEvents.lines.size(), maxOpen, heap.openOrderCount(), refreshes);
        assertThat(maxOpen).isGreaterThan(80);
        assertThat(refreshes).as("iceberg refreshes of resting icebergs").isGreaterThan(200);
        assertThat(sellsByQuoteTraded)
                .as("market sells by quote amount that traded")
                .isGreaterThan(100);
        // ~9,500 per seed since GTD expiries and the order limits thin the book
        assertThat(heapEvents.lines.stream().filter(l -> l.startsWith("TRADE")).count())
                .isGreaterThan(8_000);
    }

    private static void validate(OrderBook book, int i, Command c) {
        try {
            book.validate();
        } catch (IllegalStateException e) {
            throw new AssertionError(book.getClass().getSimpleName() + " broken by command " + i + ": " + c, e);
        }
        // Open OCO legs come in pairs: a resting LIMIT and a waiting stop, linked both ways.
        List<Order> open = new ArrayList<>();
        book.forEachOrder(open::add);
        open.addAll(book.waitingStops());
        for (Order o : open) {
            if (o.ocoOrderId() != 0 || o.ocoLeg() != null) {
                Order other = o.ocoLeg();
                String where = "OCO leg " + o + " after command " + i + ": " + c;
                assertThat(other).as(where).isNotNull();
                assertThat(other.orderId()).as(where).isEqualTo(o.ocoOrderId());
                assertThat(other.ocoLeg()).as(where).isSameAs(o);
                assertThat(open).as(where).contains(other);
                assertThat(o.type().isStop())
                        .as(where)
                        .isNotEqualTo(other.type().isStop());
            }
        }
    }

    /** Persists a book the way the job does (spec, counters, resting orders) and restores it into a new one. */
    static OrderBook restoredCopy(OrderBook book) {
        List<Order> resting = new ArrayList<>();
        java.util.function.Consumer<Order> persist = o -> resting.add(Order.resting(
                        o.orderId(),
                        o.userId(),
                        o.side(),
                        o.type(),
                        o.timeInForce(),
                        o.stp(),
                        o.price(),
                        o.quantity(),
                        o.filled(),
                        o.filledQuote(),
                        o.fees(),
                        o.feeRemainder(),
                        o.priority(),
                        o.clientOrderId(),
                        o.expireTime())
                .withStopPrice(o.stopPrice())
                .withOcoOrderId(o.ocoOrderId())
                .withIceberg(o.displayQuantity(), o.visibleQuantity()));
        book.forEachOrder(persist);
        book.waitingStops().forEach(persist);
        java.util.Collections.reverse(resting); // arrival order must not matter
        OrderBook copy = new HeapOrderBook();
        SymbolSpec spec =
                book.spec() == null ? null : SymbolSpec.apply(null, book.spec().toUpdate());
        copy.restore(
                spec,
                book.seq(),
                book.lastTradeId(),
                book.lastOrderId(),
                book.lastTradePrice(),
                resting,
                book.recentClientOrderIds());
        copy.validate();
        assertThat(copy.stateHash()).as("restored state hash").isEqualTo(book.stateHash());
        return copy;
    }

    private static EventText continueEvents(OrderBook book, EventText before) {
        EventText after = new EventText(book);
        after.lines.addAll(before.lines);
        return after;
    }
}
