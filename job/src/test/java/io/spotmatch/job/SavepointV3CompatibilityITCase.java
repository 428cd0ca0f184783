package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.marketdata.L2Client;
import io.spotmatch.marketdata.MarketData;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The v3 savepoint fixture (BookHeader v3, taken with settlement and market data on; see {@link
 * SavepointFixture}) restores the same books through the current serializers, and a job restored
 * from it carries on exactly: the ledger's balances and applied transaction ids, no second hold of
 * orders held already, market data without a gap (the first depth update after the restore follows
 * the last one before it) and the open candle of before the savepoint.
 */
class SavepointV3CompatibilityITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static final String BALANCES =
            "SELECT account, asset, available, held, version FROM balances ORDER BY account, asset";

    static String resource(String name) throws Exception {
        return Files.readString(
                Path.of(SavepointV3CompatibilityITCase.class
                        .getResource("/savepoints/" + name)
                        .toURI()),
                StandardCharsets.UTF_8);
    }

    private static String savepoint() throws Exception {
        return savepoint("v3");
    }

    /** The committed savepoint fixture of {@code version} (v3, v4, ...), as a URI string. */
    static String savepoint(String version) throws Exception {
        return SavepointV3CompatibilityITCase.class
                .getResource("/savepoints/" + version)
                .toURI()
                .toString();
    }

    @Test
    void theV3SavepointStillRestoresTheSameBooks() throws Exception {
        String expected = resource("v3-books.json");

        assertThat(String.join("", Pipeline.books(savepoint()))).isEqualTo(expected);
        // The same scenario as v1 and v2, so the same books; v3 adds that their resting orders are held.
        assertThat(expected)
                .contains(
                        "{\"symbol\":\"BTC-USDT\",\"status\":\"TRADING\",\"seq\":13,",
                        "{\"symbol\":\"ETH-USDT\",\"status\":\"HALTED\",\"seq\":5,")
                .contains(",\"ordersHeld\":true,\"bids\":[{\"price\":\"64995.00\",\"quantity\":\"0.750\"")
                .contains(",\"ordersHeld\":true,\"bids\":[{\"price\":\"3500.00\",\"quantity\":\"1.1000\"");
        String v2 = resource("v2-books.json");
        for (String line : expected.split("\n")) {
            String symbol = line.substring(0, line.indexOf(",\"status\""));
            String before =
                    v2.lines().filter(l -> l.startsWith(symbol)).findFirst().orElseThrow();
            assertThat(line.replace(",\"ordersHeld\":true", "")).isEqualTo(before);
        }
    }

    @Test
    void aJobRestoredFromItCarriesOnWithTheSameBalancesAndGapFreeMarketData() throws Exception {
        Pipeline p = Pipeline.onOrdersTopic(SERVERS, SavepointFixture.V3_ORDERS_TOPIC, 2);
        SERVERS.kafka().createTopic(SavepointFixture.V3_FUNDS_TOPIC, 2);
        // The fixture's own records first, as in a real upgrade: the restored sources resume after them.
        String funds = SavepointFixture.V3_FUNDS_TOPIC;
        p.produce(SavepointFixture.deposits(funds, "dep", "100000", SavepointFixture.T0 - 60_000));
        p.produce(SavepointFixture.scenario(p));
        long after = SavepointFixture.T0 + 100_000;
        List<ProducerRecord<byte[], byte[]>> more =
                new ArrayList<>(SavepointFixture.deposits(funds, "top", "1", after));
        more.add(SavepointFixture.funds(funds, "DEPOSIT", "dep-USDT-7", 7, "USDT", "100000", after)); // applied before
        p.produce(more);
        p.produce(SavepointFixture.afterRestore(p, after));
        Map<String, String> options = SavepointFixture.v3Options(p, funds);

        String end = SavepointFixture.run(
                p,
                options,
                Map.of("execution.state-recovery.path", savepoint()),
                SavepointFixture.USERS.length * SavepointFixture.ASSETS.length);

        assertThat(p.query("SELECT count(*) FROM ledger WHERE leg = 'MIGRATION_HOLD'"))
                .as("the fixture's orders are held already")
                .containsExactly("0");
        // Every balance is the fixture's plus what moved after the restore: the ledger's state came back exactly.
        assertBalancesAreTheFixturesPlusTheLedgers(p, "v3-balances.txt", 31); // 10 users x 3 assets and the fees
        assertThat(p.query("SELECT asset, SUM(available + held) FROM balances GROUP BY asset ORDER BY asset"))
                .extracting(r -> r.substring(0, r.indexOf('|')) + "|" + plain(r.substring(r.indexOf('|') + 1)))
                .containsExactly("BTC|1000010", "ETH|1000010", "USDT|1000010");
        assertThat(p.query("SELECT count(*) FROM overdrafts")).containsExactly("0");
        assertThat(p.query("SELECT count(*) FROM balances WHERE held <> 0"))
                .as("nothing held once the books are wiped")
                .containsExactly("0");
        List<String> duplicates = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : p.readAll(options.get("kafka.balances-topic"), false)) {
            String v = new String(r.value(), StandardCharsets.UTF_8);
            if (v.contains("\"status\":\"DUPLICATE\"")) {
                duplicates.add(v);
            }
        }
        assertThat(duplicates)
                .as("the fixture's transaction ids came back")
                .containsExactly("{\"type\":\"FUNDS\",\"userId\":7,\"txId\":\"dep-USDT-7\",\"fundsType\":\"DEPOSIT\","
                        + "\"asset\":\"USDT\",\"amount\":\"100000\",\"status\":\"DUPLICATE\"}");

        // Market data: the fixture run's messages, then this run's.
        Map<String, List<String>> before =
                bySymbol(resource("v3-market-data.json").lines().toList());
        String prefix = options.get("market-data.topic-prefix");
        for (String symbol : List.of("BTC-USDT", "ETH-USDT")) {
            List<String> depthBefore = ofType(before.get(symbol), "DEPTH");
            List<String> depthAfter =
                    ofType(read(p, prefix, MarketData.Kind.DEPTH).get(symbol), "DEPTH");
            String last = depthBefore.get(depthBefore.size() - 1);
            String first = depthAfter.get(0);
            // BTC: its last depth update covered seq 11 (the IOC at 12-13 changed no level); ETH: 4 (the halt at 5).
            long lastDepthSeq = symbol.equals("BTC-USDT") ? 11 : 4;
            // The first command after the restore: BTC's sweep at seq 14; ETH's resume (seq 6) changes no level,
            // its sell at 7 does.
            long firstSeq = symbol.equals("BTC-USDT") ? 14 : 7;
            assertThat(MarketDataITCase.field(last, "lastSeq")).isEqualTo("" + lastDepthSeq);
            assertThat(MarketDataITCase.field(first, "prevSeq"))
                    .as(symbol + ": the first update after the restore follows the last one before it")
                    .isEqualTo("" + lastDepthSeq);
            assertThat(MarketDataITCase.field(first, "firstSeq")).isEqualTo("" + firstSeq);
            L2Client client = new L2Client();
            client.accept(ofType(before.get(symbol), "SNAPSHOT").get(0).getBytes(StandardCharsets.UTF_8));
            depthBefore.forEach(m -> client.accept(m.getBytes(StandardCharsets.UTF_8)));
            depthAfter.forEach(m -> client.accept(m.getBytes(StandardCharsets.UTF_8)));
            assertThat(client.gaps()).isZero();
            assertThat(client.synced()).isTrue();
            assertThat(MarketDataITCase.ladder(client)).as(symbol + " wiped").isEqualTo(",\"bids\":[],\"asks\":[]");
        }
        // The candle open at the savepoint, with the fixture's trade, closes at the first command of a later minute.
        assertThat(read(p, prefix, MarketData.Kind.CANDLE).get("BTC-USDT").get(0))
                .isEqualTo("{\"symbol\":\"BTC-USDT\",\"type\":\"CANDLE\",\"time\":" + SavepointFixture.T0
                        + ",\"interval\":\"1m\","
                        + "\"start\":" + SavepointFixture.T0 + ",\"end\":" + (SavepointFixture.T0 + 60_000)
                        + ",\"open\":\"65010.00\",\"high\":\"65010.00\",\"low\":\"65010.00\",\"close\":\"65010.00\","
                        + "\"volume\":\"0.200\",\"quoteVolume\":\"13002.00000\",\"trades\":1,\"lastSeq\":8}");
        assertThat(Pipeline.books(end).stream()
                        .filter(b -> !b.contains("\"status\":\"UNLISTED\""))
                        .toList())
                .hasSize(2)
                .allSatisfy(b -> assertThat(b).contains("\"openOrders\":0,", "\"ordersHeld\":true"));
    }

    /**
     * Every row of the balances table is the fixture's ({@code fixtureBalances}, {@code rows} of
     * them) plus the sums of what this run's ledger moved: a restored ledger's state is exact.
     */
    static void assertBalancesAreTheFixturesPlusTheLedgers(Pipeline p, String fixtureBalances, int rows)
            throws Exception {
        Map<String, BigDecimal[]> expected = new TreeMap<>();
        for (String row : resource(fixtureBalances).split("\n")) {
            String[] f = row.split("\\|");
            expected.put(
                    f[0] + "|" + f[1],
                    new BigDecimal[] {new BigDecimal(f[2]), new BigDecimal(f[3]), new BigDecimal(f[4])});
        }
        assertThat(expected).hasSize(rows);
        for (String row : p.query(
                "SELECT account, asset, SUM(available), SUM(held), count(*) FROM ledger GROUP BY account, asset")) {
            String[] f = row.split("\\|");
            BigDecimal[] b = expected.computeIfAbsent(
                    f[0] + "|" + f[1], k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
            b[0] = b[0].add(new BigDecimal(f[2]));
            b[1] = b[1].add(new BigDecimal(f[3]));
            b[2] = b[2].add(new BigDecimal(f[4]));
        }
        Map<String, String> actual = new TreeMap<>();
        for (String row : p.query(BALANCES)) {
            String[] f = row.split("\\|");
            actual.put(f[0] + "|" + f[1], plain(f[2]) + "|" + plain(f[3]) + "|" + f[4]);
        }
        Map<String, String> sum = new TreeMap<>();
        expected.forEach((k, b) -> sum.put(
                k,
                b[0].stripTrailingZeros().toPlainString() + "|"
                        + b[1].stripTrailingZeros().toPlainString() + "|" + b[2]));
        assertThat(actual).isEqualTo(sum);
    }

    static String plain(String decimal) {
        return new BigDecimal(decimal).stripTrailingZeros().toPlainString();
    }

    private static Map<String, List<String>> bySymbol(List<String> messages) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String m : messages) {
            out.computeIfAbsent(MarketDataITCase.field(m, "symbol"), k -> new ArrayList<>())
                    .add(m);
        }
        return out;
    }

    private static List<String> ofType(List<String> messages, String type) {
        return messages.stream()
                .filter(m -> m.contains("\"type\":\"" + type + "\""))
                .toList();
    }

    private static Map<String, List<String>> read(Pipeline p, String prefix, MarketData.Kind kind) {
        List<String> messages = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : p.readAll(kind.topic(prefix), false)) {
            messages.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return bySymbol(messages);
    }
}
