package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.flink.SymbolCommand;
import io.spotmatch.job.local.EmbeddedKafka;
import io.spotmatch.job.tools.BookInspector;
import io.spotmatch.load.OrderStream;
import io.spotmatch.marketdata.L2Client;
import io.spotmatch.marketdata.MarketData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Market data through real Kafka, in a clean run and in runs that differ from it: one failing twice
 * on the way, one rescaled through a savepoint (2 to 3), one a bounded backfill of the orders topic
 * from the start at another parallelism. Each publishes, repeats dropped by seq, exactly the clean
 * run's messages on every stream; for every symbol, a client that follows the documented protocol
 * holds exactly the engine's book as the book inspector reads it from the final savepoint; the
 * market-data state the inspector reads from that savepoint is the clean run's; and the published
 * candles plus the savepoint's open ones are the candles recomputed in SQL from the trades table.
 */
class MarketDataITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static final int ORDERS = 30_000;
    static final int SYMBOLS = 4;
    /** Command time advances 40 ms per record: about 20 minutes of candles. */
    static final long STEP = 40;
    /** Half a minute into an interval, so the run ends with every symbol's last candles open (in the savepoint). */
    static final long START = JobEndToEndITCase.T0 + 30_000;

    static Pipeline clean;
    static String cleanSavepoint;
    /** The clean run's messages per stream and symbol, as written (a run without failures has no repeats). */
    static Map<MarketData.Kind, Map<String, List<String>>> expected;
    /** The clean run's market-data state in its final savepoint, as the inspector prints it. */
    static List<String> expectedState;

    static List<ProducerRecord<byte[], byte[]>> flow(Pipeline p) {
        OrderStream stream = new OrderStream(SYMBOLS, 21, 0);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < ORDERS + SYMBOLS; i++) {
            records.add(stream.next().toProducerRecord(p.ordersTopic, START + i * STEP));
        }
        return records;
    }

    static Map<String, String> marketData(Pipeline p) {
        for (MarketData.Kind k : MarketData.Kind.values()) {
            EmbeddedKafka.createTopic(SERVERS.kafka().bootstrapServers(), k.topic("md-" + p.id + "."), 2, Map.of());
        }
        return Map.of(
                "kafka.bounded",
                "NONE",
                "market-data.streams",
                "DEPTH,SNAPSHOT,BBO,TRADE,CANDLE",
                "market-data.topic-prefix",
                "md-" + p.id + ".",
                "market-data.snapshot-every",
                "500",
                "market-data.candle-intervals",
                "1m,5m");
    }

    /** {@link #marketData} with other options on top; a map to change for a later leg. */
    static Map<String, String> marketData(Pipeline p, String... overrides) {
        Map<String, String> options = new LinkedHashMap<>(marketData(p));
        for (int i = 0; i < overrides.length; i += 2) {
            options.put(overrides[i], overrides[i + 1]);
        }
        return options;
    }

    /** A stream's messages per symbol in topic order, repeats included. */
    static Map<String, List<String>> read(Pipeline p, MarketData.Kind kind) {
        Map<String, List<String>> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : p.readAll(kind.topic("md-" + p.id + "."), false)) {
            out.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * As a consumer that drops repeats by seq sees a stream: a message whose seq (a depth update's
     * {@code lastSeq}, a trade's {@code tradeId}, a candle's {@code lastSeq} within its interval) is
     * not above the last one kept is dropped; it must be a byte-identical repeat of the message kept
     * with that seq (messages are deterministic), not one never seen.
     */
    static Map<String, List<String>> deduped(MarketData.Kind kind, Map<String, List<String>> raw) {
        String seqField = switch (kind) {
            case DEPTH, CANDLE -> "lastSeq";
            case SNAPSHOT, BBO -> "seq";
            case TRADE -> "tradeId";
        };
        Map<String, List<String>> out = new TreeMap<>();
        raw.forEach((symbol, messages) -> {
            Map<String, TreeMap<Long, String>> kept = new TreeMap<>(); // by candle interval; one for the others
            List<String> list = new ArrayList<>();
            for (String m : messages) {
                TreeMap<Long, String> seen = kept.computeIfAbsent(
                        kind == MarketData.Kind.CANDLE ? field(m, "interval") : "", k -> new TreeMap<>());
                long seq = Long.parseLong(field(m, seqField));
                if (seen.isEmpty() || seq > seen.lastKey()) {
                    seen.put(seq, m);
                    list.add(m);
                } else {
                    assertThat(m)
                            .as("%s repeat of %s seq %d", kind, symbol, seq)
                            .isEqualTo(seen.get(seq));
                }
            }
            out.put(symbol, list);
        });
        return out;
    }

    /** The market-data state of every symbol in a savepoint, as the book inspector prints it. */
    static List<String> marketDataState(String savepoint) throws Exception {
        return BookInspector.marketData(StreamExecutionEnvironment.getExecutionEnvironment(), savepoint);
    }

    @BeforeAll
    static void cleanRun() throws Exception {
        clean = new Pipeline(SERVERS, 4);
        clean.produce(flow(clean));
        JobClient job = clean.start(marketData(clean), Map.of(), s -> s);
        clean.awaitCaughtUp(job, Duration.ofMinutes(5));
        cleanSavepoint = clean.stopWithSavepoint(job);
        expected = new TreeMap<>();
        for (MarketData.Kind k : MarketData.Kind.values()) {
            expected.put(k, read(clean, k));
            assertThat(expected.get(k)).as(k + " symbols").hasSize(SYMBOLS);
        }
        expectedState = marketDataState(cleanSavepoint);
    }

    @Test
    void theCleanRunIsWhatTheClientsAndTheTradesTableSay() throws Exception {
        for (MarketData.Kind k : MarketData.Kind.values()) {
            assertThat(deduped(k, expected.get(k))).as(k + " has no repeats").isEqualTo(expected.get(k));
        }
        assertTheEnginesAndTheTradesTables(clean, cleanSavepoint);
        assertThat(expectedState)
                .hasSize(SYMBOLS)
                .allMatch(line -> line.contains("\"stored\":true"))
                .allMatch(line -> line.contains("\"openCandles\":[{\"interval\":\"1m\""));
        for (String line : expectedState) {
            String symbol = field(line, "symbol");
            // The next depth update's prevSeq is the last one published.
            List<String> depth = expected.get(MarketData.Kind.DEPTH).get(symbol);
            assertThat(field(line, "lastDepthSeq")).isEqualTo(field(depth.get(depth.size() - 1), "lastSeq"));
            // The top a restored job compares the next best bid and offer with is the last one published.
            List<String> bbo = expected.get(MarketData.Kind.BBO).get(symbol);
            String last = bbo.get(bbo.size() - 1);
            assertThat(line.substring(line.indexOf(",\"bidPrice\":"), line.indexOf(",\"openCandles\":")))
                    .isEqualTo(last.substring(last.indexOf(",\"bidPrice\":"), last.length() - 1));
        }
    }

    @Test
    void afterFailuresTheClientsBookIsTheEnginesAndCandlesAreTheTradesTables(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Pipeline failing = new Pipeline(clean);
        JobClient job = failing.start(
                marketData(failing),
                Map.of(
                        "restart-strategy.type", "fixed-delay",
                        "restart-strategy.fixed-delay.attempts", "20",
                        "restart-strategy.fixed-delay.delay", "200 ms"),
                s -> s.map(AttemptFailure.after(4_000, 9_000), SymbolCommand.TYPE)
                        .uid("failure-injector")
                        .name("Failure injector"));
        failing.awaitCaughtUp(job, Duration.ofMinutes(5));
        int restarts = Pipeline.restarts(cluster, job.getJobID());
        String savepoint = failing.stopWithSavepoint(job);
        assertThat(restarts).as("failures injected").isEqualTo(2);
        assertSameAsTheCleanRun(failing, savepoint);
    }

    /** Parallelism 2, throttled and stopped with a savepoint mid-stream, then 3 from that savepoint to the end. */
    @Test
    void aRescaleThroughASavepointPublishesTheSameMarketData() throws Exception {
        Pipeline p = new Pipeline(clean);
        Map<String, String> options = marketData(p, "job.parallelism", "2");
        JobClient first = p.start(
                options,
                Map.of(),
                // Slow enough that the stop lands well before the end even when the machine is busy.
                s -> s.map(new Throttle(1500), SymbolCommand.TYPE)
                        .uid("throttle")
                        .name("Throttle"));
        p.awaitProgress(first, ORDERS / 3, Duration.ofMinutes(3));
        String savepoint = p.stopWithSavepoint(first);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", SERVERS.kafka().bootstrapServers()))) {
            assertThat(p.lag(admin)).as("the first leg stopped mid-stream").isPositive();
        }
        options.put("job.parallelism", "3");
        JobClient second = p.start(options, Map.of("execution.state-recovery.path", savepoint), s -> s);
        p.awaitCaughtUp(second, Duration.ofMinutes(3));
        assertSameAsTheCleanRun(p, p.stopWithSavepoint(second));
    }

    /**
     * A fresh job over the whole orders topic at parallelism 1 that stops by itself at the end. It ends
     * FINISHED, without a savepoint: its clients' books are held to the clean run's final books (the
     * same commands), and its streams to the clean run's.
     */
    @Test
    void aBackfillFromTheStartPublishesTheSameMarketData() throws Exception {
        Pipeline backfill = new Pipeline(clean);
        backfill.runToEnd(marketData(backfill, "kafka.bounded", "LATEST", "job.parallelism", "1"));
        assertSameAsTheCleanRun(backfill, cleanSavepoint);
    }

    @Test
    void theInspectorPrintsMarketDataStateWithoutChangingItsDefaultOutput() throws Exception {
        String symbol = field(expectedState.get(1), "symbol");
        assertThat(inspect("--path", cleanSavepoint, "--market-data", "true", "--symbol", symbol))
                .isEqualTo(expectedState.get(1));
        // A savepoint from before market data: nothing stored, so a restore starts from prevSeq 0 and no
        // open candle; the top is the book's.
        String v2 = getClass().getResource("/savepoints/v2").toURI().toString();
        assertThat(inspect("--path", v2, "--market-data", "true"))
                .isEqualTo(
                        "{\"symbol\":\"BTC-USDT\",\"seq\":13,\"lastTradeId\":1,\"stored\":false,\"lastDepthSeq\":0,"
                                + "\"bidPrice\":\"64995.00\",\"bidQuantity\":\"0.750\",\"askPrice\":\"65010.00\","
                                + "\"askQuantity\":\"0.600\",\"openCandles\":[]}\n"
                                + "{\"symbol\":\"ETH-USDT\",\"seq\":5,\"lastTradeId\":1,\"stored\":false,\"lastDepthSeq\":0,"
                                + "\"bidPrice\":\"3500.00\",\"bidQuantity\":\"1.1000\",\"askPrice\":null,\"askQuantity\":null,"
                                + "\"openCandles\":[]}\n"
                                + "{\"symbol\":\"XRP-USDT\",\"seq\":1,\"lastTradeId\":0,\"stored\":false,\"lastDepthSeq\":0}\n");
        // Without --market-data: the books, byte for byte as the committed fixture holds them.
        assertThat(inspect("--path", v2, "--depth", "1000", "--orders", "true"))
                .isEqualTo(Files.readString(
                        Path.of(getClass()
                                .getResource("/savepoints/v2-books.json")
                                .toURI()),
                        StandardCharsets.UTF_8));
        assertThatThrownBy(() -> inspect("--path", v2, "--market-data", "true", "--format", "CSV"))
                .isInstanceOf(CommandLine.InvalidOptionException.class)
                .hasMessage("--market-data prints JSON only, not --format CSV");
    }

    /** What the book inspector's main prints for these arguments. */
    static String inspect(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BookInspector.print(
                StreamExecutionEnvironment.getExecutionEnvironment(),
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Every stream of {@code p}, repeats dropped, is the clean run's; the market-data state in its
     * final savepoint is the clean run's; and its clients and candles agree with the engine and the
     * trades table.
     */
    static void assertSameAsTheCleanRun(Pipeline p, String savepoint) throws Exception {
        for (MarketData.Kind k : MarketData.Kind.values()) {
            assertThat(deduped(k, read(p, k))).as(k.name()).isEqualTo(expected.get(k));
        }
        assertThat(marketDataState(savepoint)).isEqualTo(expectedState);
        assertTheEnginesAndTheTradesTables(p, savepoint);
    }

    /**
     * For every symbol the clients' books (from the listing's snapshot, and from the latest snapshot)
     * through every depth update of {@code p}, repeats included, equal the engine's book in
     * {@code savepoint} level for level; the candles {@code p} published plus the savepoint's open
     * ones are exactly the candles of {@code p}'s trades table.
     */
    static void assertTheEnginesAndTheTradesTables(Pipeline p, String savepoint) throws Exception {
        Map<String, List<String>> snapshots = read(p, MarketData.Kind.SNAPSHOT);
        Map<String, List<String>> depth = read(p, MarketData.Kind.DEPTH);
        List<String> books = Pipeline.books(savepoint);
        assertThat(books).hasSize(SYMBOLS);
        for (String line : books) {
            String symbol = field(line, "symbol");
            String engine = line.substring(line.indexOf(",\"bids\":["), line.indexOf(",\"orders\":["));
            // From the listing's snapshot through every update, repeats of the replays included.
            L2Client fromStart = new L2Client();
            fromStart.accept(snapshots.get(symbol).get(0).getBytes(StandardCharsets.UTF_8));
            depth.get(symbol).forEach(m -> fromStart.accept(m.getBytes(StandardCharsets.UTF_8)));
            assertThat(fromStart.gaps()).isZero();
            assertThat(ladder(fromStart)).as(symbol + " from the start").isEqualTo(engine);
            // Joining late: the compacted topic's latest snapshot, then the depth topic from the start.
            List<String> all = snapshots.get(symbol);
            L2Client late = new L2Client();
            late.accept(all.get(all.size() - 1).getBytes(StandardCharsets.UTF_8));
            depth.get(symbol).forEach(m -> late.accept(m.getBytes(StandardCharsets.UTF_8)));
            assertThat(late.gaps()).isZero();
            assertThat(ladder(late)).as(symbol + " from the latest snapshot").isEqualTo(engine);
            assertThat(engine).contains("\"orders\":");
        }

        List<String> candles = new ArrayList<>();
        deduped(MarketData.Kind.CANDLE, read(p, MarketData.Kind.CANDLE))
                .values()
                .forEach(list -> list.forEach(json -> candles.add(candle(field(json, "symbol"), json))));
        int closed = candles.size();
        for (String line : marketDataState(savepoint)) {
            String symbol = field(line, "symbol");
            String open = line.substring(line.indexOf("\"openCandles\":[") + 15, line.lastIndexOf(']'));
            for (String c : open.isEmpty() ? new String[0] : open.split("(?<=}),(?=\\{)")) {
                candles.add(candle(symbol, c));
            }
        }
        List<String> fromTrades = new ArrayList<>();
        for (var interval : Map.of("1m", 60_000L, "5m", 300_000L).entrySet()) {
            for (String row : p.query(candleSql(interval.getValue()))) {
                String symbol = row.substring(0, row.indexOf('|'));
                fromTrades.add(symbol + "|" + interval.getKey() + "|" + row.substring(symbol.length() + 1));
            }
        }
        assertThat(closed).as("closed candles").isGreaterThan(SYMBOLS * 20);
        assertThat(candles).as("open candles").hasSizeGreaterThan(closed);
        assertThat(candles).containsExactlyInAnyOrderElementsOf(fromTrades);
    }

    /** A candle (a CANDLE message or an open candle of the inspector) as the row {@link #candleSql} gives. */
    static String candle(String symbol, String json) {
        return String.join(
                "|",
                symbol,
                field(json, "interval"),
                field(json, "start"),
                field(json, "open"),
                field(json, "high"),
                field(json, "low"),
                field(json, "close"),
                field(json, "volume"),
                field(json, "quoteVolume"),
                field(json, "trades"),
                field(json, "lastSeq"));
    }

    /**
     * Closed or not, every candle of the trades table: symbol, start, open, high, low, close, volumes,
     * count, last seq.
     */
    static String candleSql(long ms) {
        String start = "(floor((EXTRACT(EPOCH FROM traded_at) * 1000) / " + ms + ") * " + ms + ")::bigint";
        return "SELECT symbol, " + start + " AS start, (array_agg(price ORDER BY trade_id))[1],"
                + " max(price), min(price), (array_agg(price ORDER BY trade_id DESC))[1], sum(quantity),"
                + " sum(quote_quantity), count(*), max(seq) FROM trades GROUP BY symbol, start ORDER BY symbol, start";
    }

    /** The client's book in the book inspector's JSON. */
    static String ladder(L2Client client) {
        StringBuilder sb = new StringBuilder(",\"bids\":[");
        append(sb, client.bids());
        sb.append("],\"asks\":[");
        append(sb, client.asks());
        return sb.append(']').toString();
    }

    private static void append(StringBuilder sb, List<L2Client.Level> levels) {
        String sep = "";
        for (L2Client.Level l : levels) {
            sb.append(sep)
                    .append("{\"price\":\"")
                    .append(l.price())
                    .append("\",\"quantity\":\"")
                    .append(l.quantity())
                    .append("\",\"orders\":")
                    .append(l.orders())
                    .append('}');
            sep = ",";
        }
    }

    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"([^\"]*)\"|(-?\\d+))");

    static String field(String json, String name) {
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(3) != null ? m.group(3) : m.group(4);
            }
        }
        throw new AssertionError("no " + name + " in " + json);
    }
}
