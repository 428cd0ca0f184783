package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.Side;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.marketdata.L2Client;
import io.spotmatch.marketdata.MarketData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The v4 savepoint fixture (RestingOrder v2, BookLimits v1, RecentClientOrderIds v1; see {@link
 * SavepointFixture#scenarioV4}) restores the same books, waiting stop orders included, and a job
 * restored from it carries on exactly: SOL-USDT's order limits and price band reference, the client
 * order ids of its open and recently closed orders, its GTD order's expiry and its waiting stops.
 */
class SavepointV4CompatibilityITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    /** The restore test's first command: after the fixture's last one and before the GTD order's expiry. */
    static final long AFTER = SavepointFixture.T0 + 100_000;

    private static String resource(String name) throws Exception {
        return SavepointV3CompatibilityITCase.resource(name);
    }

    private static String savepoint() throws Exception {
        return SavepointV3CompatibilityITCase.savepoint("v4");
    }

    @Test
    void theV4SavepointRestoresTheSameBooksAndWaitingStops() throws Exception {
        String expected = resource("v4-books.json");

        assertThat(String.join("", Pipeline.books(savepoint()))).isEqualTo(expected);
        // BTC-USDT and ETH-USDT come from the scenario of v1 to v3: the same books as v3's.
        List<String> lines = expected.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.subList(0, 2))
                .isEqualTo(resource("v3-books.json").lines().toList());
        assertThat(lines.get(2))
                .startsWith("{\"symbol\":\"SOL-USDT\",\"status\":\"TRADING\",\"seq\":10,\"lastTradeId\":1,"
                        + "\"lastOrderId\":7,\"openOrders\":3,")
                .endsWith(
                        ",\"stopOrders\":[{\"orderId\":5,\"userId\":10,\"side\":\"SELL\",\"type\":\"STOP_LOSS_LIMIT\","
                                + "\"stopPrice\":\"98.00\",\"quantity\":\"0.500\"},{\"orderId\":6,\"userId\":11,\"side\":\"SELL\","
                                + "\"type\":\"TAKE_PROFIT\",\"stopPrice\":\"102.00\",\"quantity\":\"0.300\"}]}");
    }

    /**
     * What the restore test sends to SOL-USDT: a command each limit rejects, a NEW repeating a
     * closed order's and an open order's client order id, a bid, a cancel by client order id at
     * the GTD order's expiry, and a sell whose trades reach the waiting STOP_LOSS_LIMIT's stop price.
     */
    static List<ProducerRecord<byte[], byte[]>> afterRestore(Pipeline p) {
        List<Command> script = List.of(
                // The band: 500 bps of the last trade price 100.00, limit prices from 95.00 to 105.00.
                Command.limit(8, 9, Side.BUY, "106.00", "0.100", TimeInForce.GTC),
                Command.limit(9, 9, Side.BUY, "104.00", "500.000", TimeInForce.GTC), // 52000 > maxNotional
                Command.market(10, 8, Side.BUY, "6.000"), // above marketMaxQty 5.000
                Command.limit(11, 7, Side.SELL, "103.00", "0.100", TimeInForce.GTC), // user 7 rests 2 already
                Command.limit(12, 8, Side.BUY, "99.50", "0.100", TimeInForce.GTC)
                        .withClientOrderId("sol-mkt-1"), // the filled market order's
                Command.limit(13, 9, Side.BUY, "99.50", "0.100", TimeInForce.GTC)
                        .withClientOrderId("sol-bid-1"), // resting order 4's
                Command.limit(14, 13, Side.BUY, "97.80", "1.000", TimeInForce.GTC)
                        .withClientOrderId("sol-bid-2"),
                Command.cancel(0, 7).withClientOrderId("sol-ask-1"), // order 1; order 3 expires first
                // 1.000 at 99.00 and 0.500 at 97.80: the last price 97.80 reaches order 5's stop 98.00.
                Command.limit(15, 12, Side.SELL, "97.80", "1.500", TimeInForce.IOC));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < script.size(); i++) {
            records.add(p.command("SOL-USDT", script.get(i), AFTER + i * 1000L));
        }
        return records;
    }

    @Test
    void aJobRestoredFromItKeepsTheLimitsClientOrderIdsExpiryAndStops() throws Exception {
        Pipeline p = Pipeline.onOrdersTopic(SERVERS, SavepointFixture.V4_ORDERS_TOPIC, 2);
        SERVERS.kafka().createTopic(SavepointFixture.V4_FUNDS_TOPIC, 2);
        // The fixture's own records first, as in a real upgrade: the restored sources resume after them.
        String funds = SavepointFixture.V4_FUNDS_TOPIC;
        p.produce(SavepointFixture.depositsV4(funds, "dep", "100000", SavepointFixture.T0 - 60_000));
        p.produce(SavepointFixture.scenarioV4(p));
        p.produce(SavepointFixture.depositsV4(funds, "top", "1", AFTER)); // every balance row moves once more
        p.produce(afterRestore(p));
        assertThat(SavepointFixture.SOL_GTD_EXPIRY).isBetween(AFTER + 6000 + 1, AFTER + 7000);

        Map<String, String> options = SavepointFixture.v3Options(p, funds);
        String end = SavepointFixture.run(
                p, options, Map.of("execution.state-recovery.path", savepoint()), SavepointFixture.V4_DEPOSITS);

        assertThat(p.query("SELECT count(*) FROM ledger WHERE leg = 'MIGRATION_HOLD'"))
                .as("the fixture's orders are held already")
                .containsExactly("0");
        String sol = "{\"symbol\":\"SOL-USDT\",\"seq\":";
        assertThat(p.dedupedEvents()).containsOnlyKeys("SOL-USDT");
        assertThat(p.dedupedEvents().get("SOL-USDT"))
                .containsExactly(
                        // The limits and the band reference of before the savepoint, each with its reason.
                        sol
                                + "11,\"time\":1767225700000,\"type\":\"REJECTED\",\"command\":\"NEW\",\"orderId\":8,\"userId\":9,"
                                + "\"reason\":\"PRICE_OUT_OF_BAND\"}",
                        sol
                                + "12,\"time\":1767225701000,\"type\":\"REJECTED\",\"command\":\"NEW\",\"orderId\":9,\"userId\":9,"
                                + "\"reason\":\"MAX_NOTIONAL\"}",
                        sol
                                + "13,\"time\":1767225702000,\"type\":\"REJECTED\",\"command\":\"NEW\",\"orderId\":10,\"userId\":8,"
                                + "\"reason\":\"MARKET_LOT_SIZE\"}",
                        sol
                                + "14,\"time\":1767225703000,\"type\":\"REJECTED\",\"command\":\"NEW\",\"orderId\":11,\"userId\":7,"
                                + "\"reason\":\"MAX_OPEN_ORDERS\"}",
                        // A closed order's client order id (recent-client-order-ids), then an open one's (RestingOrder
                        // v2).
                        sol
                                + "15,\"time\":1767225704000,\"type\":\"REJECTED\",\"command\":\"NEW\",\"orderId\":12,\"userId\":8,"
                                + "\"clientOrderId\":\"sol-mkt-1\",\"reason\":\"DUPLICATE_CLIENT_ORDER_ID\"}",
                        sol
                                + "16,\"time\":1767225705000,\"type\":\"REJECTED\",\"command\":\"NEW\",\"orderId\":13,\"userId\":9,"
                                + "\"clientOrderId\":\"sol-bid-1\",\"reason\":\"DUPLICATE_CLIENT_ORDER_ID\"}",
                        sol + "17,\"time\":1767225706000,\"type\":\"ACCEPTED\",\"orderId\":14,\"userId\":13,"
                                + "\"clientOrderId\":\"sol-bid-2\",\"side\":\"BUY\",\"orderType\":\"LIMIT\",\"timeInForce\":\"GTC\","
                                + "\"price\":\"97.80\",\"quantity\":\"1.000\",\"stp\":\"NONE\"}",
                        // Not yet expired at +6 s; at the first command after its expiry, before that command's own
                        // events.
                        sol + "18,\"time\":1767225707000,\"type\":\"CANCELLED\",\"orderId\":3,\"userId\":7,"
                                + "\"clientOrderId\":\"sol-gtd-1\",\"reason\":\"EXPIRED\",\"cancelledQuantity\":\"2.000\","
                                + "\"filledQuantity\":\"0.000\"}",
                        sol + "19,\"time\":1767225707000,\"type\":\"CANCELLED\",\"orderId\":1,\"userId\":7,"
                                + "\"clientOrderId\":\"sol-ask-1\",\"reason\":\"USER\",\"cancelledQuantity\":\"0.600\","
                                + "\"filledQuantity\":\"0.400\"}",
                        // The trades reach 98.00 (the last price 97.80): the waiting STOP_LOSS_LIMIT becomes a LIMIT at
                        // 97.50.
                        sol
                                + "20,\"time\":1767225708000,\"type\":\"ACCEPTED\",\"orderId\":15,\"userId\":12,\"side\":\"SELL\","
                                + "\"orderType\":\"LIMIT\",\"timeInForce\":\"IOC\",\"price\":\"97.80\",\"quantity\":\"1.500\",\"stp\":\"NONE\"}",
                        sol
                                + "21,\"time\":1767225708000,\"type\":\"TRADE\",\"tradeId\":2,\"price\":\"99.00\",\"quantity\":\"1.000\","
                                + "\"quoteQuantity\":\"99.00000\",\"takerSide\":\"SELL\",\"takerOrderId\":15,\"takerUserId\":12,"
                                + "\"makerOrderId\":4,\"makerUserId\":9,\"takerFee\":\"0.19800\",\"makerFee\":\"0.09900\","
                                + "\"feeAsset\":\"USDT\",\"takerStatus\":\"PARTIALLY_FILLED\",\"makerStatus\":\"FILLED\"}",
                        sol
                                + "22,\"time\":1767225708000,\"type\":\"TRADE\",\"tradeId\":3,\"price\":\"97.80\",\"quantity\":\"0.500\","
                                + "\"quoteQuantity\":\"48.90000\",\"takerSide\":\"SELL\",\"takerOrderId\":15,\"takerUserId\":12,"
                                + "\"makerOrderId\":14,\"makerUserId\":13,\"takerFee\":\"0.09780\",\"makerFee\":\"0.04890\","
                                + "\"feeAsset\":\"USDT\",\"takerStatus\":\"FILLED\",\"makerStatus\":\"PARTIALLY_FILLED\"}",
                        sol + "23,\"time\":1767225708000,\"type\":\"TRIGGERED\",\"orderId\":5,\"userId\":10,"
                                + "\"clientOrderId\":\"sol-stop-1\",\"orderType\":\"LIMIT\",\"stopPrice\":\"98.00\","
                                + "\"lastPrice\":\"97.80\"}",
                        sol
                                + "24,\"time\":1767225708000,\"type\":\"TRADE\",\"tradeId\":4,\"price\":\"97.80\",\"quantity\":\"0.500\","
                                + "\"quoteQuantity\":\"48.90000\",\"takerSide\":\"SELL\",\"takerOrderId\":5,\"takerUserId\":10,"
                                + "\"makerOrderId\":14,\"makerUserId\":13,\"takerFee\":\"0.09780\",\"makerFee\":\"0.04890\","
                                + "\"feeAsset\":\"USDT\",\"takerStatus\":\"FILLED\",\"makerStatus\":\"FILLED\"}");
        assertThat(Pipeline.books(end).stream()
                        .filter(b -> b.startsWith("{\"symbol\":\"SOL-USDT\""))
                        .toList())
                .containsExactly("{\"symbol\":\"SOL-USDT\",\"status\":\"TRADING\",\"seq\":24,\"lastTradeId\":4,"
                        + "\"lastOrderId\":15,\"openOrders\":0,\"severalPartitions\":false,"
                        + "\"lastAdminSource\":{\"partition\":0,\"offset\":3},\"ordersHeld\":true,\"bids\":[],\"asks\":[],"
                        + "\"orders\":[],\"stopOrders\":[{\"orderId\":6,\"userId\":11,\"side\":\"SELL\","
                        + "\"type\":\"TAKE_PROFIT\",\"stopPrice\":\"102.00\",\"quantity\":\"0.300\"}]}\n");
        // Every balance (SOL's too) is the fixture's plus what moved after the restore; the TAKE_PROFIT still holds.
        SavepointV3CompatibilityITCase.assertBalancesAreTheFixturesPlusTheLedgers(p, "v4-balances.txt", 41);
        assertThat(p.query("SELECT account, asset, held FROM balances WHERE held <> 0 AND asset = 'SOL'"))
                .containsExactly("11|SOL|0.300");
        assertThat(p.query("SELECT count(*) FROM overdrafts")).containsExactly("0");

        // SOL's depth: the first update after the restore (the bid at seq 17; the rejects change no level)
        // follows the fixture's last one (seq 10), and a client that took the fixture's snapshot needs no resync.
        List<String> before = SavepointV3CompatibilityITCase.resource("v4-market-data.json")
                .lines()
                .filter(m -> m.startsWith("{\"symbol\":\"SOL-USDT\","))
                .toList();
        List<String> depthBefore = ofType(before, "DEPTH");
        List<String> depthAfter = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                p.readAll(MarketData.Kind.DEPTH.topic(options.get("market-data.topic-prefix")), false)) {
            String m = new String(r.value(), StandardCharsets.UTF_8);
            if (m.startsWith("{\"symbol\":\"SOL-USDT\",")) {
                depthAfter.add(m);
            }
        }
        assertThat(MarketDataITCase.field(depthBefore.get(depthBefore.size() - 1), "lastSeq"))
                .isEqualTo("10");
        assertThat(MarketDataITCase.field(depthAfter.get(0), "prevSeq")).isEqualTo("10");
        assertThat(MarketDataITCase.field(depthAfter.get(0), "firstSeq")).isEqualTo("17");
        L2Client client = new L2Client();
        client.accept(ofType(before, "SNAPSHOT").get(0).getBytes(StandardCharsets.UTF_8));
        depthBefore.forEach(m -> client.accept(m.getBytes(StandardCharsets.UTF_8)));
        depthAfter.forEach(m -> client.accept(m.getBytes(StandardCharsets.UTF_8)));
        assertThat(client.gaps()).isZero();
        assertThat(client.synced()).isTrue();
        assertThat(MarketDataITCase.ladder(client)).isEqualTo(",\"bids\":[],\"asks\":[]");
    }

    private static List<String> ofType(List<String> messages, String type) {
        return messages.stream()
                .filter(m -> m.contains("\"type\":\"" + type + "\""))
                .toList();
    }
}
