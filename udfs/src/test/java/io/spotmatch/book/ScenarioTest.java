package io.spotmatch.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the scenario files in {@code src/test/resources/scenarios} against both books. A scenario
 * starts with {@code ## name}; then {@code > COMMAND key=value ...} lines are sent to a fresh
 * book, each followed by the {@code < EVENT ...} lines it must produce, exactly and in order.
 * {@code = book} followed by indented ladder rows (asks worst to best, then bids best to worst,
 * each row {@code SIDE price id:remaining ...}) checks the whole book; {@code = book empty} checks
 * it is empty; {@code = order id key=value ...} checks fields of an open order; {@code = depth SIDE
 * price:qty:orders ...} checks a side's whole market-data depth (what it shows: icebergs' slices).
 */
class ScenarioTest {

    private static final List<String> FILES = List.of(
            "limit.txt",
            "market.txt",
            "post-only.txt",
            "amend.txt",
            "cancel.txt",
            "self-trade.txt",
            "status.txt",
            "fees.txt",
            "rejects.txt",
            "protections.txt",
            "client-order-ids.txt",
            "expiry.txt",
            "stops.txt",
            "oco.txt",
            "iceberg.txt");

    @TestFactory
    Stream<DynamicContainer> scenarios() throws IOException {
        List<DynamicContainer> files = new ArrayList<>();
        for (String file : FILES) {
            List<DynamicContainer> scenarios = new ArrayList<>();
            for (Scenario s : parse(file)) {
                scenarios.add(DynamicContainer.dynamicContainer(
                        s.name,
                        Stream.of(
                                DynamicTest.dynamicTest("heap", () -> s.run(HeapOrderBook::new)),
                                DynamicTest.dynamicTest("reference", () -> s.run(ReferenceOrderBook::new)))));
            }
            files.add(DynamicContainer.dynamicContainer(file, scenarios));
        }
        return files.stream();
    }

    private static List<Scenario> parse(String file) throws IOException {
        String text;
        try (InputStream in = ScenarioTest.class.getResourceAsStream("/scenarios/" + file)) {
            assertThat(in).as(file).isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Scenario> result = new ArrayList<>();
        Scenario current = null;
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.startsWith("## ")) {
                current = new Scenario(file + ":" + lineNo + " " + line.substring(3));
                result.add(current);
            } else if (line.isEmpty() || line.startsWith("#")) {
                continue;
            } else if (current == null) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": text before the first ## scenario");
            } else {
                current.steps.add(new Step(lineNo, raw));
            }
        }
        return result;
    }

    private record Step(int lineNo, String raw) {}

    private static final class Scenario {
        final String name;
        final List<Step> steps = new ArrayList<>();

        Scenario(String name) {
            this.name = name;
        }

        void run(Supplier<OrderBook> factory) {
            OrderBook book = factory.get();
            EventText events = new EventText(book);
            int consumed = 0;
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                String line = step.raw.strip();
                String where = name + " line " + step.lineNo;
                if (line.startsWith(">")) {
                    assertThat(events.lines.subList(consumed, events.lines.size()))
                            .as(where + ": events not listed before this command")
                            .isEmpty();
                    String text = line.substring(1).strip();
                    Map<String, String> kv = keyValues(text.split("\\s+"), 1);
                    if (kv.containsKey("time")) {
                        book.process(command(text), Long.parseLong(kv.get("time")), events);
                    } else {
                        book.process(command(text), events);
                    }
                    book.validate();
                } else if (line.startsWith("<")) {
                    assertThat(consumed)
                            .as(where + ": more events expected than produced " + events.lines)
                            .isLessThan(events.lines.size());
                    assertThat(events.lines.get(consumed++))
                            .as(where)
                            .isEqualTo(line.substring(1).strip());
                } else if (line.equals("= book empty")) {
                    assertThat(EventText.ladder(book)).as(where).isEmpty();
                } else if (line.equals("= book")) {
                    List<String> expected = new ArrayList<>();
                    while (i + 1 < steps.size() && steps.get(i + 1).raw.startsWith("  ")) {
                        expected.add(steps.get(++i).raw.strip().replaceAll("\\s+", " "));
                    }
                    assertThat(EventText.ladder(book)).as(where).containsExactlyElementsOf(expected);
                } else if (line.startsWith("= order ")) {
                    checkOrder(book, line.substring("= order ".length()).strip(), where);
                } else if (line.startsWith("= depth ")) {
                    checkDepth(book, line.substring("= depth ".length()).strip(), where);
                } else {
                    throw new IllegalArgumentException(where + ": cannot read " + line);
                }
            }
            assertThat(events.lines.subList(consumed, events.lines.size()))
                    .as(name + ": events at the end not listed")
                    .isEmpty();
        }
    }

    private static void checkOrder(OrderBook book, String spec, String where) {
        String[] parts = spec.split("\\s+");
        long id = Long.parseLong(parts[0]);
        Order[] found = {null};
        book.forEachOrder(o -> {
            if (o.orderId() == id) {
                found[0] = o;
            }
        });
        assertThat(found[0]).as(where + ": order " + id + " is not open").isNotNull();
        Order o = found[0];
        SymbolSpec s = book.spec();
        for (Map.Entry<String, String> e : keyValues(parts, 1).entrySet()) {
            String actual = switch (e.getKey()) {
                case "status" -> o.status().name();
                case "filled" -> s.lotsToDecimal(o.filled()).toString();
                case "remaining" -> s.lotsToDecimal(o.remaining()).toString();
                case "filledQuote" -> s.notionalToDecimal(o.filledQuote()).toString();
                case "fees" -> s.notionalToDecimal(o.fees()).toString();
                case "price" -> s.ticksToDecimal(o.price()).toString();
                case "qty" -> s.lotsToDecimal(o.quantity()).toString();
                case "visible" -> s.lotsToDecimal(o.visibleQuantity()).toString();
                case "priority" -> Long.toString(o.priority());
                default -> throw new IllegalArgumentException(where + ": unknown order field " + e.getKey());
            };
            assertThat(actual).as(where + ": order " + id + " " + e.getKey()).isEqualTo(e.getValue());
        }
    }

    private static void checkDepth(OrderBook book, String spec, String where) {
        String[] parts = spec.split("\\s+");
        Side side = Side.valueOf(parts[0]);
        List<String> actual = new ArrayList<>();
        for (L2Level l : book.depth(side, Integer.MAX_VALUE)) {
            actual.add(book.spec().ticksToDecimal(l.price()) + ":" + book.spec().lotsToDecimal(l.quantity()) + ":"
                    + l.orders());
        }
        assertThat(actual)
                .as(where + ": " + side + " depth")
                .containsExactlyElementsOf(List.of(parts).subList(1, parts.length));
    }

    private static Map<String, String> keyValues(String[] parts, int from) {
        Map<String, String> kv = new HashMap<>();
        for (int i = from; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) {
                kv.put(parts[i], "true");
            } else {
                kv.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
        }
        return kv;
    }

    /** Parses {@code TYPE key=value ...}. */
    static Command command(String text) {
        String[] parts = text.split("\\s+");
        Map<String, String> kv = keyValues(parts, 1);
        CommandType type = CommandType.valueOf(parts[0]);
        if (type == CommandType.SYMBOL) {
            return Command.symbol(new SymbolUpdate(
                    kv.get("base"),
                    kv.get("quote"),
                    dec(kv.get("tick")),
                    dec(kv.get("step")),
                    dec(kv.get("minQty")),
                    dec(kv.get("minNotional")),
                    dec(kv.get("maxPrice")),
                    dec(kv.get("maxQty")),
                    dec(kv.get("maker")),
                    dec(kv.get("taker")),
                    kv.containsKey("status") ? SymbolStatus.valueOf(kv.get("status")) : null,
                    kv.containsKey("stp") ? StpMode.valueOf(kv.get("stp")) : null,
                    kv.containsKey("cancelOpenOrders"),
                    dec(kv.get("maxNotional")),
                    dec(kv.get("marketMaxQty")),
                    dec(kv.get("maxOpenOrders")),
                    dec(kv.get("band"))));
        }
        long id = kv.containsKey("id") ? Long.parseLong(kv.get("id")) : 0;
        long user = kv.containsKey("user") ? Long.parseLong(kv.get("user")) : 0;
        return new Command(
                type,
                id,
                user,
                kv.containsKey("side") ? Side.valueOf(kv.get("side")) : null,
                kv.containsKey("type") ? OrderType.valueOf(kv.get("type")) : null,
                kv.containsKey("tif") ? TimeInForce.valueOf(kv.get("tif")) : null,
                dec(kv.get("price")),
                dec(kv.get("qty")),
                dec(kv.get("quote")),
                kv.containsKey("stp") ? StpMode.valueOf(kv.get("stp")) : null,
                null,
                kv.get("client"),
                kv.containsKey("expire") ? Long.parseLong(kv.get("expire")) : 0,
                dec(kv.get("stop")),
                dec(kv.get("stopLimit")),
                dec(kv.get("iceberg")));
    }

    private static Decimal dec(String s) {
        return s == null ? null : Decimal.parse(s);
    }
}
