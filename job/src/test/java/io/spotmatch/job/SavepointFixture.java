package io.spotmatch.job;

import io.spotmatch.book.Command;
import io.spotmatch.book.Decimal;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.flink.SymbolCommand;
import io.spotmatch.marketdata.MarketData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the savepoint fixtures the {@code Savepoint*CompatibilityITCase}s restore on every build:
 * the job's state after a small, fixed scenario, and what it must contain (books; from v3 on also
 * balances and every market-data message). Regenerate it only when a state format changes on
 * purpose, and keep the old ones next to it (v1, v2, v3, v4, v5, ...): bump {@link #CURRENT}, add the new
 * version's topic constants (its source state names the topics it read, so a restore must read
 * topics of those names), and run, from the repository root, without installing anything:
 *
 * <pre>
 * mvn -B -o -q -pl job -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/fixture.cp
 * cd job &amp;&amp; java --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
 *     -cp target/test-classes:target/classes:$(cat target/fixture.cp) io.spotmatch.job.SavepointFixture
 * </pre>
 */
public final class SavepointFixture {

    /** The first fixture, restored by {@link SavepointCompatibilityITCase}. */
    static final String VERSION = "v1";
    /**
     * The fixture {@link #main} writes: the current state formats (BookHeader v3, RestingOrder v3,
     * BookLimits v1, RecentClientOrderIds v1, the order-row sink's unwritten rows v2), with
     * settlement and market data on, from {@link #scenarioV5}. (v4, from {@link #scenarioV4}, has
     * RestingOrder v2.)
     */
    static final String CURRENT = "v5";

    static final long T0 = 1_767_225_600_000L;

    /**
     * BTC-USDT with resting, partly filled and amended orders; ETH-USDT halted with a book; XRP-USDT never listed.
     * The SYMBOL commands are signed as relayed from test-admin/0/0, /1 and /2 (in a fresh JVM).
     */
    static List<ProducerRecord<byte[], byte[]>> scenario(Pipeline p) {
        List<Object[]> script = List.of(
                new Object[] {"BTC-USDT", JobEndToEndITCase.listing("BTC", "0.01", "0.001", "0.001", "0.002")},
                new Object[] {"BTC-USDT", Command.limit(1, 7, Side.SELL, "65010.00", "0.500", TimeInForce.GTC)},
                new Object[] {"BTC-USDT", Command.limit(2, 8, Side.SELL, "65010.00", "0.300", TimeInForce.GTC)},
                new Object[] {"BTC-USDT", Command.limit(3, 7, Side.SELL, "65020.50", "1.000", TimeInForce.GTC)},
                new Object[] {
                    "BTC-USDT",
                    Command.limit(4, 9, Side.BUY, "65000.00", "0.750", TimeInForce.GTC)
                            .withStp(StpMode.EXPIRE_MAKER)
                },
                new Object[] {"BTC-USDT", Command.limit(5, 10, Side.BUY, "64990.10", "2.000", TimeInForce.GTC)},
                new Object[] {"BTC-USDT", Command.market(6, 11, Side.BUY, "0.200")}, // fills 0.200 of order 1
                new Object[] {"BTC-USDT", Command.amend(5, 10, null, "1.500")}, // keeps priority
                new Object[] {"BTC-USDT", Command.limitMaker(7, 12, Side.BUY, "64990.10", "0.100")},
                new Object[] {"BTC-USDT", Command.amend(4, 9, "64995.00", null)}, // loses priority
                new Object[] {"BTC-USDT", Command.limit(8, 13, Side.BUY, "64000.00", "0.010", TimeInForce.IOC)},
                new Object[] {"ETH-USDT", JobEndToEndITCase.listing("ETH", "0.01", "0.0001", "0.0005", "0.001")},
                new Object[] {"ETH-USDT", Command.limit(1, 21, Side.BUY, "3500.00", "1.5000", TimeInForce.GTC)},
                new Object[] {"ETH-USDT", Command.limit(2, 22, Side.SELL, "3500.00", "0.4000", TimeInForce.GTC)},
                new Object[] {"ETH-USDT", Command.symbol(SymbolUpdate.status(SymbolStatus.HALTED))},
                new Object[] {"XRP-USDT", Command.limit(1, 31, Side.BUY, "0.50", "100", TimeInForce.GTC)});
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < script.size(); i++) {
            records.add(p.command((String) script.get(i)[0], (Command) script.get(i)[1], T0 + i * 1000L));
        }
        return records;
    }

    /** SOL-USDT's listing in {@link #scenarioV4}: maxPrice 10000 keeps a market buy's hold within a deposit. */
    static Command solListing() {
        return Command.symbol(new SymbolUpdate(
                        "SOL",
                        "USDT",
                        Decimal.parse("0.01"),
                        Decimal.parse("0.001"),
                        null,
                        null,
                        Decimal.parse("10000"),
                        Decimal.parse("1000"),
                        Decimal.parse("0.001"),
                        Decimal.parse("0.002"),
                        SymbolStatus.TRADING,
                        StpMode.NONE,
                        false)
                .withLimits(
                        Decimal.parse(SOL_MAX_NOTIONAL),
                        Decimal.parse(SOL_MARKET_MAX_QTY),
                        Decimal.parse("" + SOL_MAX_OPEN_ORDERS),
                        Decimal.parse("" + SOL_PRICE_BAND_BPS)));
    }

    static final String SOL_MAX_NOTIONAL = "50000";
    static final String SOL_MARKET_MAX_QTY = "5.000";
    static final int SOL_MAX_OPEN_ORDERS = 2;
    /** 5 % of the last trade price 100.00: limit prices from 95.00 to 105.00. */
    static final int SOL_PRICE_BAND_BPS = 500;

    /** When SOL-USDT's GTD order 3 expires: between the restore tests' commands at +6 s and +7 s. */
    static final long SOL_GTD_EXPIRY = T0 + 106_500;

    /**
     * The v4 scenario: {@link #scenario} (the same books as v1 to v3), then SOL-USDT listed with
     * every order limit and traded once (its last trade price 100.00, the price band's reference).
     * At the savepoint it has resting orders with client order ids (one of them GTD, not yet
     * expired), a waiting STOP_LOSS_LIMIT sell and a waiting TAKE_PROFIT sell, and two closed
     * orders' client order ids remembered (a filled market order's and a cancelled order's).
     */
    static List<ProducerRecord<byte[], byte[]>> scenarioV4(Pipeline p) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(scenario(p));
        List<Command> sol = List.of(
                solListing(),
                Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC)
                        .withClientOrderId("sol-ask-1"),
                Command.market(2, 8, Side.BUY, "0.400").withClientOrderId("sol-mkt-1"), // filled: closed
                Command.limit(3, 7, Side.SELL, "101.00", "2.000", TimeInForce.GTD)
                        .withClientOrderId("sol-gtd-1")
                        .withExpireTime(SOL_GTD_EXPIRY),
                Command.limit(4, 9, Side.BUY, "99.00", "1.000", TimeInForce.GTC).withClientOrderId("sol-bid-1"),
                Command.stop(5, 10, Side.SELL, OrderType.STOP_LOSS_LIMIT, "98.00", "97.50", "0.500")
                        .withClientOrderId("sol-stop-1"),
                Command.stop(6, 11, Side.SELL, OrderType.TAKE_PROFIT, "102.00", null, "0.300")
                        .withClientOrderId("sol-tp-1"),
                Command.limit(7, 12, Side.BUY, "98.00", "0.100", TimeInForce.GTC)
                        .withClientOrderId("sol-closed-1"),
                Command.cancel(0, 12).withClientOrderId("sol-closed-1"));
        long start = T0 + records.size() * 1000L;
        for (int i = 0; i < sol.size(); i++) {
            records.add(p.command("SOL-USDT", sol.get(i), start + i * 1000L));
        }
        return records;
    }

    /**
     * The v5 scenario: {@link #scenarioV4}, then on SOL-USDT a sell OCO (limit leg 8 at 104.00 rests,
     * STOP_LOSS_LIMIT leg 9 at 96.00 / 95.50 waits, linked) and an iceberg buy 10 (3.000 at 98.50
     * showing 0.500), and a sell that fills bid 4 at 99.00 and takes the iceberg's first slice and
     * 0.200 of its next: at the savepoint the iceberg has 2.300 left, 0.300 visible, and the
     * priority of the trade that emptied its first slice. The v4 stops still wait (the last price
     * 98.50 reaches none of them).
     */
    static List<ProducerRecord<byte[], byte[]>> scenarioV5(Pipeline p) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(scenarioV4(p));
        List<Command> sol = List.of(
                Command.oco(8, 20, Side.SELL, "104.00", "96.00", "95.50", "0.500"),
                Command.limit(10, 21, Side.BUY, "98.50", "3.000", TimeInForce.GTC)
                        .withIcebergQuantity("0.500"),
                Command.limit(11, 22, Side.SELL, "98.50", "1.700", TimeInForce.IOC));
        long start = T0 + records.size() * 1000L;
        for (int i = 0; i < sol.size(); i++) {
            records.add(p.command("SOL-USDT", sol.get(i), start + i * 1000L));
        }
        return records;
    }

    /** Every user of {@link #scenario} and {@link #afterRestore}, and the assets they trade. */
    static final long[] USERS = {7, 8, 9, 10, 11, 12, 13, 20, 21, 22};

    static final String[] ASSETS = {"BTC", "ETH", "USDT"};

    /** A {@code DEPOSIT} of {@code amount} per user and asset, txIds {@code <prefix>-<asset>-<user>}. */
    static List<ProducerRecord<byte[], byte[]>> deposits(String fundsTopic, String prefix, String amount, long time) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (long user : USERS) {
            for (String asset : ASSETS) {
                records.add(funds(fundsTopic, "DEPOSIT", prefix + "-" + asset + "-" + user, user, asset, amount, time));
            }
        }
        return records;
    }

    /** {@link #deposits}, then a {@code DEPOSIT} of {@code amount} SOL per user (txIds {@code <prefix>-SOL-<user>}). */
    static List<ProducerRecord<byte[], byte[]>> depositsV4(String fundsTopic, String prefix, String amount, long time) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(deposits(fundsTopic, prefix, amount, time));
        for (long user : USERS) {
            records.add(funds(fundsTopic, "DEPOSIT", prefix + "-SOL-" + user, user, "SOL", amount, time));
        }
        return records;
    }

    /** How many funds commands {@link #depositsV4} writes. */
    static final int V4_DEPOSITS = USERS.length * (ASSETS.length + 1);

    static ProducerRecord<byte[], byte[]> funds(
            String fundsTopic, String type, String txId, long user, String asset, String amount, long time) {
        String json = "{\"type\":\"" + type + "\",\"txId\":\"" + txId + "\",\"userId\":" + user + ",\"asset\":\""
                + asset + "\",\"amount\":\"" + amount + "\"}";
        return new ProducerRecord<>(
                fundsTopic,
                null,
                time,
                Long.toString(user).getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What the restore tests send after the fixture's scenario: fills, amends and cancels of the
     * orders resting in the savepoint, then every book wiped (nothing may stay held).
     */
    static List<ProducerRecord<byte[], byte[]>> afterRestore(Pipeline p, long time) {
        Command wipe = Command.symbol(
                new SymbolUpdate(null, null, null, null, null, null, null, null, null, null, null, null, true));
        List<Object[]> script = List.of(
                // Sweeps orders 1 and 2 (0.300 each at 65010.00) and 0.100 of order 3 (at 65020.50).
                new Object[] {"BTC-USDT", Command.limit(9, 20, Side.BUY, "65020.50", "0.700", TimeInForce.IOC)},
                new Object[] {"BTC-USDT", Command.amend(5, 10, null, "1.000")}, // down: releases
                new Object[] {"BTC-USDT", Command.amend(4, 9, "64996.00", null)}, // up: holds more
                new Object[] {"BTC-USDT", Command.cancel(4, 9)},
                // Fills order 5 (1.000) and order 7 (0.100); the remaining 0.900 is cancelled.
                new Object[] {"BTC-USDT", Command.limit(10, 21, Side.SELL, "64990.10", "2.000", TimeInForce.IOC)},
                new Object[] {"BTC-USDT", wipe}, // cancels what is left of order 3
                new Object[] {"ETH-USDT", Command.symbol(SymbolUpdate.status(SymbolStatus.TRADING))},
                new Object[] {"ETH-USDT", Command.limit(3, 22, Side.SELL, "3500.00", "0.5000", TimeInForce.IOC)},
                new Object[] {"ETH-USDT", wipe});
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < script.size(); i++) {
            records.add(p.command((String) script.get(i)[0], (Command) script.get(i)[1], time + i * 1000L));
        }
        return records;
    }

    public static void main(String[] args) throws Exception {
        write();
        System.exit(0);
    }

    /** Topics of the v3 fixture's run: its source state names the orders and funds topics, so restores read them. */
    static final String V3_ORDERS_TOPIC = "orders-savepoint-v3";

    static final String V3_FUNDS_TOPIC = "funds-savepoint-v3";

    /** Topics of the v4 fixture's run. */
    static final String V4_ORDERS_TOPIC = "orders-savepoint-v4";

    static final String V4_FUNDS_TOPIC = "funds-savepoint-v4";

    /** Topics of the v5 fixture's run. */
    static final String V5_ORDERS_TOPIC = "orders-savepoint-v5";

    static final String V5_FUNDS_TOPIC = "funds-savepoint-v5";

    /** Everything on: settlement (the deposits first) and every market-data stream, 1-minute candles. */
    static Map<String, String> v3Options(Pipeline p, String fundsTopic) {
        String prefix = "md-" + p.id + ".";
        for (MarketData.Kind k : MarketData.Kind.values()) {
            p.servers.kafka().createTopic(k.topic(prefix), 1);
        }
        p.servers.kafka().createTopic("balances-" + p.id, 1);
        return Map.of(
                "kafka.funds-topic",
                fundsTopic,
                "kafka.balances-topic",
                "balances-" + p.id,
                "market-data.streams",
                "DEPTH,SNAPSHOT,BBO,TRADE,CANDLE",
                "market-data.topic-prefix",
                prefix,
                "market-data.candle-intervals",
                "1m");
    }

    /**
     * Runs the job until it has read the whole orders topic and applied {@code fundsApplied} funds
     * commands, then stops it with a savepoint and returns its path. (A source restored from an
     * unbounded job's savepoint keeps its splits unbounded, so a restored run cannot end by itself.)
     */
    static String run(Pipeline p, Map<String, String> options, Map<String, String> flinkConf, int fundsApplied)
            throws Exception {
        return run(p, options, flinkConf, fundsApplied, s -> s);
    }

    /** The job {@link #run} ran last (a test counts its restarts). */
    static volatile org.apache.flink.api.common.JobID lastJob;

    /** The same, with {@code beforeMatch} in front of the books (failure injection). */
    static String run(
            Pipeline p,
            Map<String, String> options,
            Map<String, String> flinkConf,
            int fundsApplied,
            java.util.function.UnaryOperator<org.apache.flink.streaming.api.datastream.DataStream<SymbolCommand>>
                    beforeMatch)
            throws Exception {
        Map<String, String> unbounded = new java.util.HashMap<>(options);
        unbounded.put("kafka.bounded", "NONE");
        JobClient job = p.start(unbounded, flinkConf, beforeMatch);
        lastJob = job.getJobID();
        p.awaitCaughtUp(job, Duration.ofMinutes(2));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!p.query("SELECT count(*) FROM ledger WHERE tx_id <> ''").equals(List.of("" + fundsApplied))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the funds commands did not all reach the ledger");
            }
            Thread.sleep(200);
        }
        return p.stopWithSavepoint(job);
    }

    static void write() throws Exception {
        Path resources = Path.of("src/test/resources/savepoints");
        String fundsTopic = V5_FUNDS_TOPIC;
        Pipeline p = Pipeline.onOrdersTopic(RealServers.standalone(), V5_ORDERS_TOPIC, 2);
        p.servers.kafka().createTopic(fundsTopic, 2);
        p.produce(depositsV4(fundsTopic, "dep", "100000", T0 - 60_000)); // v5 trades the same assets
        p.produce(scenarioV5(p));
        Map<String, String> options = v3Options(p, fundsTopic);
        String savepoint = run(p, options, Map.of(), V4_DEPOSITS);

        Path target = resources.resolve(CURRENT);
        if (Files.exists(target)) {
            try (Stream<Path> old = Files.walk(target)) {
                old.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        Path source = Path.of(java.net.URI.create(savepoint));
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        String books = String.join("", Pipeline.books(target.toUri().toString()));
        Files.writeString(resources.resolve(CURRENT + "-books.json"), books, StandardCharsets.UTF_8);
        // The balances the ledger's state holds, and every market-data message the run published.
        List<String> balances = p.query(SavepointV3CompatibilityITCase.BALANCES);
        Files.write(resources.resolve(CURRENT + "-balances.txt"), balances, StandardCharsets.UTF_8);
        // Per kind, then per symbol in name order: the parallel tasks interleave symbols in a topic in any order,
        // while each symbol's own messages come in its order, so this file is the same on every run.
        List<String> marketData = new ArrayList<>();
        for (MarketData.Kind k : MarketData.Kind.values()) {
            Map<String, List<String>> bySymbol = new TreeMap<>();
            for (var r : p.readAll(k.topic(options.get("market-data.topic-prefix")), false)) {
                String message = new String(r.value(), StandardCharsets.UTF_8);
                bySymbol.computeIfAbsent(MarketDataITCase.field(message, "symbol"), s -> new ArrayList<>())
                        .add(message);
            }
            bySymbol.values().forEach(marketData::addAll);
        }
        Files.write(resources.resolve(CURRENT + "-market-data.json"), marketData, StandardCharsets.UTF_8);
        System.out.println("Wrote " + target + ", " + CURRENT + "-books.json:\n" + books + CURRENT
                + "-balances.txt:\n" + String.join("\n", balances) + "\n" + CURRENT + "-market-data.json:\n"
                + String.join("\n", marketData));
    }
}
