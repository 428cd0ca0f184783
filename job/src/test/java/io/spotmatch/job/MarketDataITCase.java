package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.flink.SymbolCommand;
import io.spotmatch.job.local.EmbeddedKafka;
import io.spotmatch.load.OrderStream;
import io.spotmatch.marketdata.L2Client;
import io.spotmatch.marketdata.MarketData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Market data through real Kafka with the job failing on the way: after the run, for every symbol,
 * a client that follows the documented protocol holds exactly the engine's book as the book
 * inspector reads it from the final savepoint; the candles equal candles recomputed in SQL from the
 * trades table; and every stream, repeats dropped, equals that of a run without failures.
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

    static List<ProducerRecord<byte[], byte[]>> flow(Pipeline p) {
        OrderStream stream = new OrderStream(SYMBOLS, 21, 0);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < ORDERS + SYMBOLS; i++) {
            records.add(stream.next().toProducerRecord(p.ordersTopic, JobEndToEndITCase.T0 + i * STEP));
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

    /** A stream's messages per symbol in topic order, repeats included. */
    static Map<String, List<String>> read(Pipeline p, MarketData.Kind kind) {
        Map<String, List<String>> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : p.readAll(kind.topic("md-" + p.id + "."), false)) {
            out.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** As a consumer that drops repeats sees them (messages are deterministic, so a repeat is byte-identical). */
    static Map<String, List<String>> deduped(Map<String, List<String>> raw) {
        Map<String, List<String>> out = new TreeMap<>();
        raw.forEach((k, v) -> out.put(k, new ArrayList<>(new LinkedHashSet<>(v))));
        return out;
    }

    @Test
    void afterFailuresTheClientsBookIsTheEnginesAndCandlesAreTheTradesTables(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Pipeline reference = new Pipeline(SERVERS, 4);
        List<ProducerRecord<byte[], byte[]>> records = flow(reference);
        reference.produce(records);
        Pipeline failing = new Pipeline(reference);

        JobClient clean = reference.start(marketData(reference), Map.of(), s -> s);
        reference.awaitCaughtUp(clean, Duration.ofMinutes(5));
        reference.stopWithSavepoint(clean);

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
        List<String> books = Pipeline.books(failing.stopWithSavepoint(job));
        assertThat(restarts).as("failures injected").isEqualTo(2);

        // Deterministic: every stream, repeats dropped, is the run's without failures.
        for (MarketData.Kind k : MarketData.Kind.values()) {
            Map<String, List<String>> expected = read(reference, k);
            assertThat(expected).as(k + " symbols").hasSize(SYMBOLS);
            assertThat(deduped(read(failing, k))).as(k + " after failures").isEqualTo(expected);
        }

        Map<String, List<String>> snapshots = read(failing, MarketData.Kind.SNAPSHOT);
        Map<String, List<String>> depth = read(failing, MarketData.Kind.DEPTH);
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

        Map<String, Long> lastCommand = new LinkedHashMap<>();
        for (ProducerRecord<byte[], byte[]> r : records) {
            lastCommand.merge(new String(r.key(), StandardCharsets.UTF_8), r.timestamp(), Math::max);
        }
        List<String> candles = new ArrayList<>();
        deduped(read(failing, MarketData.Kind.CANDLE))
                .values()
                .forEach(list -> list.forEach(json -> candles.add(String.join(
                        "|",
                        field(json, "symbol"),
                        field(json, "interval"),
                        field(json, "start"),
                        field(json, "open"),
                        field(json, "high"),
                        field(json, "low"),
                        field(json, "close"),
                        field(json, "volume"),
                        field(json, "quoteVolume"),
                        field(json, "trades"),
                        field(json, "lastSeq")))));
        List<String> fromTrades = new ArrayList<>();
        for (var interval : Map.of("1m", 60_000L, "5m", 300_000L).entrySet()) {
            long ms = interval.getValue();
            for (String row : failing.query(candleSql(ms))) {
                String[] c = row.split("\\|");
                if (Long.parseLong(c[1]) < Math.floorDiv(lastCommand.get(c[0]), ms) * ms) { // closed
                    fromTrades.add(c[0] + "|" + interval.getKey() + "|" + row.substring(c[0].length() + 1));
                }
            }
        }
        assertThat(candles).containsExactlyInAnyOrderElementsOf(fromTrades).hasSizeGreaterThan(SYMBOLS * 20);
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
