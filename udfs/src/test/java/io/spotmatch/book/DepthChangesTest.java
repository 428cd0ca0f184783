package io.spotmatch.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The levels a command changed, as the heap book tracks them (touched levels, no scan), against
 * the reference model's naive diff of the whole depth before and after. The heap book may also
 * report a level it touched without changing; every level it reports must carry its true totals.
 * Applying the reports to a copy of the depth must give the book's depth after every command.
 */
class DepthChangesTest {

    private static final int COMMANDS = 40_000;

    record Change(Side side, long price, long quantity, int orders) {}

    static List<Change> changes(OrderBook book) {
        List<Change> out = new ArrayList<>();
        book.changedLevels((side, price, quantity, orders) -> out.add(new Change(side, price, quantity, orders)));
        return out;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    void heapChangesCoverTheReferenceDiffAndCarryTrueTotals(long seed) {
        List<Command> commands = new RandomCommands(seed).take(COMMANDS);
        OrderBook heap = new HeapOrderBook();
        OrderBook reference = new ReferenceOrderBook();
        EventText heapEvents = new EventText(heap);
        EventText referenceEvents = new EventText(reference);
        java.util.Map<Side, java.util.TreeMap<Long, L2Level>> mirror = new java.util.EnumMap<>(Side.class);
        for (Side side : Side.values()) {
            mirror.put(side, new java.util.TreeMap<>());
        }
        long reported = 0;
        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            heap.process(c, heapEvents);
            reference.process(c, referenceEvents);
            List<Change> fromHeap = changes(heap);
            List<Change> fromReference = changes(reference);
            assertThat(fromHeap).as("command " + i + ": " + c).containsAll(fromReference);
            for (Side side : Side.values()) {
                List<Long> prices = fromHeap.stream()
                        .filter(x -> x.side() == side)
                        .map(Change::price)
                        .toList();
                List<Long> bestFirst = new ArrayList<>(prices);
                bestFirst.sort(
                        side == Side.BUY ? java.util.Comparator.reverseOrder() : java.util.Comparator.naturalOrder());
                assertThat(prices)
                        .as("once each, best first, command " + i)
                        .doesNotHaveDuplicates()
                        .isEqualTo(bestFirst);
            }
            for (Change x : fromHeap) {
                if (x.quantity() == 0) {
                    assertThat(x.orders()).isZero();
                    mirror.get(x.side()).remove(x.price());
                } else {
                    mirror.get(x.side()).put(x.price(), new L2Level(x.price(), x.quantity(), x.orders()));
                }
                reported++;
            }
            if (i % 100 == 0 || i == commands.size() - 1) {
                for (Side side : Side.values()) {
                    List<L2Level> mirrored = new ArrayList<>(mirror.get(side).values());
                    if (side == Side.BUY) {
                        java.util.Collections.reverse(mirrored);
                    }
                    assertThat(mirrored)
                            .as(side + " after command " + i)
                            .isEqualTo(heap.depth(side, Integer.MAX_VALUE));
                }
            }
        }
        assertThat(reported).isGreaterThan(COMMANDS / 4);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "reference"})
    void aSweepReportsEveryLevelItEmptiedAndARejectReportsNothing(String kind) {
        OrderBook book = kind.equals("heap") ? new HeapOrderBook() : new ReferenceOrderBook();
        EventText events = new EventText(book);
        book.process(
                Command.symbol(new SymbolUpdate(
                        "BTC",
                        "USDT",
                        Decimal.parse("0.01"),
                        Decimal.parse("0.001"),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        SymbolStatus.TRADING,
                        null,
                        false)),
                events);
        assertThat(changes(book)).isEmpty();
        book.process(Command.limit(1, 7, Side.SELL, "100", "1", TimeInForce.GTC), events);
        book.process(Command.limit(2, 7, Side.SELL, "101", "1", TimeInForce.GTC), events);
        book.process(Command.limit(3, 7, Side.SELL, "101", "2", TimeInForce.GTC), events);
        assertThat(changes(book)).containsExactly(new Change(Side.SELL, 10100, 3000, 2));
        book.process(Command.limit(4, 8, Side.BUY, "101", "2.5", TimeInForce.GTC), events);
        assertThat(changes(book))
                .containsExactly(new Change(Side.SELL, 10000, 0, 0), new Change(Side.SELL, 10100, 1500, 1));
        book.process(Command.cancel(99, 8), events);
        assertThat(changes(book)).isEmpty();
    }
}
