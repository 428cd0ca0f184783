package io.spotmatch.load;

import io.spotmatch.book.Command;
import io.spotmatch.wire.CommandJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records of a synthetic orders topic: N symbols with Zipf-like popularity (symbol i gets a
 * share proportional to 1/(i+1)), each with its own {@link OrderFlow} around its own mid price,
 * 1,000 users, and optionally a few poison records. Each symbol's listing comes first. The same
 * seed always gives the same records in the same order.
 */
public final class OrderStream {

    /** One record for the orders topic; {@code key} may be null for poison; {@code admin} for a listing. */
    public record Record(String symbol, byte[] key, byte[] value, boolean poison, boolean admin) {

        /** The record for {@code topic}, a listing signed as the job's relay signs it ({@link AdminSigning}). */
        public ProducerRecord<byte[], byte[]> toProducerRecord(String topic, Long timestamp) {
            return AdminSigning.record(topic, key, value, admin, timestamp);
        }
    }

    private static final String[] BASES = {
        "BTC", "ETH", "SOL", "XRP", "BNB", "DOGE", "ADA", "TRX", "AVAX", "LINK", "DOT", "TON", "SHIB", "LTC", "BCH",
        "NEAR", "UNI", "APT", "ICP", "ETC", "FIL", "ARB", "OP", "ATOM", "XLM", "HBAR", "INJ", "IMX", "VET", "MKR",
        "GRT", "RNDR", "AAVE", "ALGO", "QNT", "EGLD", "SAND", "AXS", "THETA", "FTM", "EOS", "XTZ", "MANA", "FLOW",
        "CHZ", "KAVA", "ZEC", "CRV", "NEO", "DASH"
    };

    /** Records that are not commands, one of each kind the job dead-letters. */
    private static final String[] POISON = {
        "{\"type\":\"NEW\",\"symbol\":\"%s\"",
        "[\"not\",\"an\",\"object\"]",
        "{\"type\":\"MODIFY\",\"symbol\":\"%s\"}",
        "{\"type\":\"CANCEL\",\"symbol\":\"%s\",\"userId\":1}",
        "{\"type\":\"CANCEL\",\"symbol\":\"%s\",\"orderId\":\"x\",\"userId\":1}",
        "{\"type\":\"AMEND\",\"symbol\":\"%s\",\"orderId\":1,\"userId\":1,\"price\":\"NaN\"}",
        "{\"type\":\"CANCEL\",\"symbol\":\"%s\",\"orderId\":99999999999999999999,\"userId\":1}",
    };

    private final List<String> symbols = new ArrayList<>();
    private final List<OrderFlow> flows = new ArrayList<>();
    private final long[] cumulativeWeight;
    private final SplittableRandom rnd;
    private final int poisonPerMillion;
    private int listed;
    private long emitted;

    /**
     * @param poisonPerMillion how many records in a million are poison (0 for none)
     */
    public OrderStream(int symbolCount, long seed, int poisonPerMillion) {
        this.rnd = new SplittableRandom(seed);
        this.poisonPerMillion = poisonPerMillion;
        cumulativeWeight = new long[symbolCount];
        long total = 0;
        for (int i = 0; i < symbolCount; i++) {
            symbols.add(symbolName(i));
            long mid = 1_000_00L + (i * 7_919L % 200) * 500_00L; // 1,000.00 to 100,500.00 USDT
            flows.add(new OrderFlow(seed * 1_000 + i, new OrderFlow.Shape(1_000, 800, 1_000, mid)));
            total += 1_000_000L / (i + 1);
            cumulativeWeight[i] = total;
        }
    }

    public static String symbolName(int i) {
        return (i < BASES.length ? BASES[i] : "C" + i) + "-USDT";
    }

    public List<String> symbols() {
        return symbols;
    }

    public Record next() {
        emitted++;
        if (listed < symbols.size()) {
            String s = symbols.get(listed);
            Command listing = OrderFlow.listing(s.substring(0, s.indexOf('-')), "USDT");
            listed++;
            return record(s, listing);
        }
        int i = pickSymbol();
        String symbol = symbols.get(i);
        if (poisonPerMillion > 0 && rnd.nextInt(1_000_000) < poisonPerMillion) {
            String template = POISON[rnd.nextInt(POISON.length)];
            return new Record(
                    symbol,
                    symbol.getBytes(StandardCharsets.UTF_8),
                    String.format(template, symbol).getBytes(StandardCharsets.UTF_8),
                    true,
                    false);
        }
        return record(symbol, flows.get(i).next());
    }

    private Record record(String symbol, Command c) {
        return new Record(
                symbol,
                symbol.getBytes(StandardCharsets.UTF_8),
                CommandJson.write(symbol, c),
                false,
                c.type() == io.spotmatch.book.CommandType.SYMBOL);
    }

    private int pickSymbol() {
        long r = rnd.nextLong(cumulativeWeight[cumulativeWeight.length - 1]);
        int lo = 0;
        int hi = cumulativeWeight.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulativeWeight[mid] > r) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    public long emitted() {
        return emitted;
    }
}
