package io.spotmatch.marketdata;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference consumer of one symbol's depth snapshots and depth updates, following the
 * documented protocol: hold updates until a snapshot arrives; take the snapshot; drop every update
 * it covers (lastSeq at or below its seq, which also drops repeats of an at-least-once topic);
 * apply the rest in order, each one's prevSeq being the lastSeq of the one before (the first after
 * a snapshot: prevSeq at or below the snapshot's seq); on a gap, drop the book and wait for the
 * next snapshot. Prices and quantities stay the exact decimal strings of the messages.
 */
public final class L2Client {

    /** One price level as published: quantity text and order count. */
    public record Level(String price, String quantity, int orders) {}

    private static final JsonFactory JSON = new JsonFactory();

    private final TreeMap<BigDecimal, Level> bids = new TreeMap<>(Comparator.reverseOrder());
    private final TreeMap<BigDecimal, Level> asks = new TreeMap<>();
    private final List<Update> held = new ArrayList<>();
    private boolean synced;
    private boolean firstAfterSnapshot;
    /** The seq the book is valid at. */
    private long seq = -1;

    private int snapshotsTaken;
    private int gaps;

    private record Update(long firstSeq, long lastSeq, long prevSeq, List<Level> bids, List<Level> asks) {}

    /** Feeds one message of the depth or snapshot topic (other types are ignored). */
    public void accept(byte[] json) {
        try (JsonParser p = JSON.createParser(json)) {
            String type = null;
            long s = -1;
            long first = -1;
            long last = -1;
            long prev = -1;
            List<Level> b = List.of();
            List<Level> a = List.of();
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "type" -> type = p.getText();
                    case "seq" -> s = p.getLongValue();
                    case "firstSeq" -> first = p.getLongValue();
                    case "lastSeq" -> last = p.getLongValue();
                    case "prevSeq" -> prev = p.getLongValue();
                    case "bids" -> b = levels(p);
                    case "asks" -> a = levels(p);
                    default -> p.skipChildren();
                }
            }
            if ("SNAPSHOT".equals(type)) {
                snapshot(s, b, a);
            } else if ("DEPTH".equals(type)) {
                update(new Update(first, last, prev, b, a));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Level> levels(JsonParser p) throws IOException {
        List<Level> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_ARRAY) {
            p.nextToken();
            String price = p.getText();
            p.nextToken();
            String qty = p.getText();
            p.nextToken();
            int orders = p.getIntValue();
            p.nextToken();
            out.add(new Level(price, qty, orders));
        }
        return out;
    }

    private void snapshot(long snapshotSeq, List<Level> b, List<Level> a) {
        if (synced && snapshotSeq <= seq) {
            return; // older than the book, or a repeat
        }
        bids.clear();
        asks.clear();
        b.forEach(l -> bids.put(new BigDecimal(l.price()), l));
        a.forEach(l -> asks.put(new BigDecimal(l.price()), l));
        seq = snapshotSeq;
        synced = true;
        firstAfterSnapshot = true;
        snapshotsTaken++;
        List<Update> waiting = new ArrayList<>(held);
        held.clear();
        waiting.forEach(this::update);
    }

    private void update(Update u) {
        if (!synced) {
            held.add(u);
            return;
        }
        if (u.lastSeq() <= seq) {
            return; // covered by the snapshot or applied already
        }
        boolean follows = firstAfterSnapshot ? u.prevSeq() <= seq && u.firstSeq() > seq : u.prevSeq() == seq;
        if (!follows) {
            gaps++;
            synced = false;
            bids.clear();
            asks.clear();
            held.clear();
            held.add(u);
            return;
        }
        apply(bids, u.bids());
        apply(asks, u.asks());
        seq = u.lastSeq();
        firstAfterSnapshot = false;
    }

    private static void apply(TreeMap<BigDecimal, Level> side, List<Level> levels) {
        for (Level l : levels) {
            BigDecimal price = new BigDecimal(l.price());
            if (l.orders() == 0) {
                side.remove(price);
            } else {
                side.put(price, l);
            }
        }
    }

    /** Whether the book is usable (a snapshot was taken and no gap seen since). */
    public boolean synced() {
        return synced;
    }

    public long seq() {
        return seq;
    }

    /** Bids best first. */
    public List<Level> bids() {
        return new ArrayList<>(bids.values());
    }

    /** Asks best first. */
    public List<Level> asks() {
        return new ArrayList<>(asks.values());
    }

    public int snapshotsTaken() {
        return snapshotsTaken;
    }

    public int gaps() {
        return gaps;
    }

    /** Bids and asks as one map by side name, for comparing. */
    public Map<String, List<Level>> book() {
        return Map.of("bids", bids(), "asks", asks());
    }
}
