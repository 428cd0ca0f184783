package io.spotmatch.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How many closed client order ids a symbol remembers, and the undo of one command's changes to them. */
class ClientOrderIdsTest {

    private static OrderBook book(String kind) {
        Supplier<OrderBook> factory = kind.equals("heap") ? HeapOrderBook::new : ReferenceOrderBook::new;
        OrderBook book = factory.get();
        book.process(ScenarioTest.command("SYMBOL base=BTC quote=USDT tick=0.01 step=0.001"), new EventText(book));
        return book;
    }

    private static String run(OrderBook book, String command) {
        EventText events = new EventText(book);
        book.process(ScenarioTest.command(command), events);
        return String.join("; ", events.lines);
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "reference"})
    void theOldestClosedIdIsForgottenOnceMoreThanTheLimitHaveClosed(String kind) {
        OrderBook book = book(kind);
        for (int i = 0; i <= OrderBook.RECENT_CLIENT_ORDER_IDS; i++) {
            // an IOC on an empty book closes at once
            run(book, "NEW user=1 side=BUY type=LIMIT price=100.00 qty=1.000 tif=IOC client=c" + i);
        }
        assertThat(book.recentClientOrderIds()).hasSize(OrderBook.RECENT_CLIENT_ORDER_IDS);
        assertThat(book.recentClientOrderIds().get(0)).isEqualTo(new ClientOrderId(1, "c1"));
        assertThat(run(book, "NEW user=1 side=BUY type=LIMIT price=100.00 qty=1.000 client=c1"))
                .endsWith("reason=DUPLICATE_CLIENT_ORDER_ID");
        assertThat(run(book, "NEW user=1 side=BUY type=LIMIT price=100.00 qty=1.000 client=c0"))
                .startsWith("ACCEPTED id=1026 client=c0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "reference"})
    void theIdsBeforeACommandAreTheIdsNowWithoutItsChanges(String kind) {
        OrderBook book = book(kind);
        for (int i = 0; i < OrderBook.RECENT_CLIENT_ORDER_IDS; i++) {
            run(book, "NEW user=1 side=BUY type=LIMIT price=100.00 qty=1.000 tif=IOC client=c" + i);
        }
        run(book, "NEW user=2 side=BUY type=LIMIT price=99.00 qty=1.000 client=open1");
        run(book, "NEW user=2 side=BUY type=LIMIT price=98.00 qty=1.000 client=open2");
        List<ClientOrderId> before = book.recentClientOrderIds();
        // closes two orders with client ids: two added, two of the oldest evicted
        assertThat(run(book, "CANCEL_ALL user=2")).endsWith("CANCELLED_ALL user=2 count=2");
        assertThat(book.recentClientOrderIds())
                .hasSize(OrderBook.RECENT_CLIENT_ORDER_IDS)
                .endsWith(new ClientOrderId(2, "open1"), new ClientOrderId(2, "open2"));
        assertThat(book.recentClientOrderIdsBeforeCommand()).isEqualTo(before);
    }
}
