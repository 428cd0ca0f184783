package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outputs of one run checked against each other, not against a second run of the same code:
 * every TRADE event has its trade row and every trade row its event (same id, price, quantity);
 * each order row's filled quantity is the sum of its fills in the trades table; the resting orders
 * in the books are exactly the open rows (NEW, PARTIALLY_FILLED) of the orders table, with the
 * same remaining quantity.
 */
final class ConsistencyCheck {

    private static final Pattern SYMBOL = Pattern.compile("\"symbol\":\"([^\"]+)\"");
    private static final Pattern RESTING = Pattern.compile("\\{\"orderId\":(\\d+),[^}]*?\"remaining\":\"([^\"]+)\"");

    private ConsistencyCheck() {}

    /** @param books the books as {@link Pipeline#books} prints them; @param events per symbol, as read committed */
    static void check(Pipeline p, List<String> books, Map<String, List<String>> events) throws SQLException {
        TreeSet<String> tradeEvents = new TreeSet<>();
        for (Map.Entry<String, List<String>> e : events.entrySet()) {
            for (String json : e.getValue()) {
                if (json.contains("\"type\":\"TRADE\"")) {
                    tradeEvents.add(e.getKey() + "|" + field(json, "tradeId") + "|" + number(field(json, "price")) + "|"
                            + number(field(json, "quantity")));
                }
            }
        }
        TreeSet<String> tradeRows = new TreeSet<>();
        for (String row : p.query("SELECT symbol, trade_id, price, quantity FROM trades")) {
            String[] c = row.split("\\|");
            tradeRows.add(c[0] + "|" + c[1] + "|" + number(c[2]) + "|" + number(c[3]));
        }
        assertThat(tradeRows).as("trade rows = TRADE events").isNotEmpty().isEqualTo(tradeEvents);

        assertThat(p.query("SELECT o.symbol, o.order_id, o.filled_quantity, f.filled FROM orders o LEFT JOIN"
                        + " (SELECT symbol, order_id, sum(quantity) AS filled FROM"
                        + "   (SELECT symbol, taker_order_id AS order_id, quantity FROM trades"
                        + "    UNION ALL SELECT symbol, maker_order_id, quantity FROM trades) fills"
                        + "  GROUP BY symbol, order_id) f ON f.symbol = o.symbol AND f.order_id = o.order_id"
                        + " WHERE o.filled_quantity <> COALESCE(f.filled, 0)"))
                .as("orders whose filled quantity is not the sum of their fills")
                .isEmpty();
        assertThat(p.query("SELECT t.symbol, t.trade_id FROM trades t WHERE NOT EXISTS (SELECT 1 FROM orders o"
                        + " WHERE o.symbol = t.symbol AND o.order_id IN (t.taker_order_id, t.maker_order_id))"))
                .as("trades of orders without a row")
                .isEmpty();

        TreeSet<String> resting = new TreeSet<>();
        for (String book : books) {
            Matcher s = SYMBOL.matcher(book);
            assertThat(s.find()).isTrue();
            Matcher o = RESTING.matcher(book.substring(book.indexOf("\"orders\":[")));
            while (o.find()) {
                resting.add(s.group(1) + "|" + o.group(1) + "|" + number(o.group(2)));
            }
        }
        TreeSet<String> open = new TreeSet<>();
        for (String row : p.query("SELECT symbol, order_id, remaining_quantity FROM orders_view"
                + " WHERE status IN ('NEW', 'PARTIALLY_FILLED')")) {
            String[] c = row.split("\\|");
            open.add(c[0] + "|" + c[1] + "|" + number(c[2]));
        }
        assertThat(resting)
                .as("resting orders in the books = open order rows")
                .isNotEmpty()
                .isEqualTo(open);
    }

    /** A top-level field of an event: a quoted string's content or a bare number. */
    static String field(String json, String name) {
        int at = json.indexOf("\"" + name + "\":");
        assertThat(at).as("%s in %s", name, json).isNotNegative();
        at += name.length() + 3;
        if (json.charAt(at) == '"') {
            return json.substring(at + 1, json.indexOf('"', at + 1));
        }
        int end = at;
        while (end < json.length() && json.charAt(end) != ',' && json.charAt(end) != '}') {
            end++;
        }
        return json.substring(at, end);
    }

    /** Decimals compared by value: the table's scale and the event's may differ. */
    private static String number(String decimal) {
        return new BigDecimal(decimal).stripTrailingZeros().toPlainString();
    }
}
