package io.spotmatch.book;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders events as one readable line each, in the symbol's decimals, the form scenario files
 * use. Checks on the way that sequence numbers have no gap.
 */
final class EventText implements EventSink {

    private final OrderBook book;
    final List<String> lines = new ArrayList<>();
    private long lastSeq = -1;

    EventText(OrderBook book) {
        this.book = book;
    }

    private void add(long seq, String line) {
        if (seq == 0) {
            if (book.spec() != null || !line.startsWith("REJECTED")) {
                throw new AssertionError("seq 0 is only for rejects before a listing: " + line);
            }
            lines.add(line + " seq=0");
            lastSeq = Math.max(lastSeq, 0); // the listing that may follow must be seq 1
            return;
        }
        if (lastSeq >= 0 && seq != lastSeq + 1) {
            throw new AssertionError("sequence gap: " + lastSeq + " then " + seq + " at " + line);
        }
        lastSeq = seq;
        lines.add(line);
    }

    private String price(long ticks) {
        return book.spec().ticksToDecimal(ticks).toString();
    }

    private String qty(long lots) {
        return book.spec().lotsToDecimal(lots).toString();
    }

    private String quote(long units) {
        return book.spec().notionalToDecimal(units).toString();
    }

    private static String client(String clientOrderId) {
        return clientOrderId == null ? "" : " client=" + clientOrderId;
    }

    @Override
    public void accepted(long seq, Order o) {
        add(
                seq,
                "ACCEPTED id=" + o.orderId() + client(o.clientOrderId())
                        + (o.ocoOrderId() == 0 ? "" : " oco=" + o.ocoOrderId())
                        + (o.displayQuantity() == 0 ? "" : " iceberg=" + qty(o.displayQuantity())));
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
        add(
                seq,
                "TRADE #" + tradeId + " taker=" + taker.orderId() + " maker=" + maker.orderId()
                        + " side=" + taker.side() + " price=" + price(price) + " qty=" + qty(quantity)
                        + " quote=" + quote(quoteQuantity) + " takerFee=" + quote(takerFee) + " makerFee="
                        + quote(makerFee));
    }

    @Override
    public void cancelled(long seq, Order o, CancelReason reason) {
        String left = o.quoteQuantity() != 0
                ? "remainingQuote=" + quote(o.remainingQuote())
                : "remaining=" + qty(o.remaining());
        add(seq, "CANCELLED id=" + o.orderId() + " reason=" + reason + " " + left);
    }

    @Override
    public void cancelledAll(long seq, long userId, int count) {
        add(seq, "CANCELLED_ALL user=" + userId + " count=" + count);
    }

    @Override
    public void amended(long seq, Order o, long previousPrice, long previousQuantity, boolean priorityKept) {
        add(
                seq,
                "AMENDED id=" + o.orderId() + " price=" + price(o.price()) + " qty=" + qty(o.quantity()) + " priority="
                        + (priorityKept ? "KEPT" : "LOST"));
    }

    @Override
    public void decremented(long seq, Order o, long previousQuantity, long previousQuoteQuantity) {
        String left = o.quoteQuantity() != 0
                ? "quote=" + quote(o.quoteQuantity()) + " by=" + quote(previousQuoteQuantity - o.quoteQuantity())
                : "qty=" + qty(o.quantity()) + " by=" + qty(previousQuantity - o.quantity());
        add(seq, "DECREMENTED id=" + o.orderId() + " " + left);
    }

    @Override
    public void triggered(long seq, Order o) {
        add(
                seq,
                "TRIGGERED id=" + o.orderId() + " as=" + o.type() + " stop=" + price(o.stopPrice()) + " last="
                        + price(book.lastTradePrice()));
    }

    @Override
    public void rejected(long seq, Command c, RejectReason reason) {
        String who = switch (c.type()) {
            case NEW, CANCEL, AMEND -> " id=" + c.orderId();
            case CANCEL_ALL -> " user=" + c.userId();
            case SYMBOL -> "";
        };
        add(seq, "REJECTED " + c.type() + who + client(c.clientOrderId()) + " reason=" + reason);
    }

    @Override
    public void symbolUpdated(long seq, SymbolSpec spec) {
        add(seq, "SYMBOL_UPDATED " + spec.baseAsset() + "/" + spec.quoteAsset() + " status=" + spec.status());
    }

    /**
     * The book as a ladder: asks from the worst down to the best, then bids from the best down; each
     * order as {@code id:remaining}, an iceberg as {@code id:remaining/visible}.
     */
    static List<String> ladder(OrderBook book) {
        List<String> bids = new ArrayList<>();
        List<String> asks = new ArrayList<>();
        StringBuilder[] current = {null};
        long[] currentPrice = {-1};
        Side[] currentSide = {null};
        List<StringBuilder> rows = new ArrayList<>();
        List<Side> rowSides = new ArrayList<>();
        book.forEachOrder(o -> {
            if (o.side() != currentSide[0] || o.price() != currentPrice[0]) {
                current[0] = new StringBuilder(o.side() == Side.BUY ? "BID " : "ASK ")
                        .append(book.spec().ticksToDecimal(o.price()));
                rows.add(current[0]);
                rowSides.add(o.side());
                currentSide[0] = o.side();
                currentPrice[0] = o.price();
            }
            current[0]
                    .append(' ')
                    .append(o.orderId())
                    .append(':')
                    .append(book.spec().lotsToDecimal(o.remaining()));
            if (o.displayQuantity() != 0) {
                current[0].append('/').append(book.spec().lotsToDecimal(o.visibleQuantity())); // what it shows
            }
        });
        for (int i = 0; i < rows.size(); i++) {
            (rowSides.get(i) == Side.BUY ? bids : asks).add(rows.get(i).toString());
        }
        List<String> result = new ArrayList<>();
        for (int i = asks.size() - 1; i >= 0; i--) {
            result.add(asks.get(i));
        }
        result.addAll(bids);
        return result;
    }
}
