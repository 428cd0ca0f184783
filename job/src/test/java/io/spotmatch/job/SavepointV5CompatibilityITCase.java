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
 * The v5 savepoint fixture (RestingOrder v3; see {@link SavepointFixture#scenarioV5}) restores the
 * same books with a resting OCO (its limit leg in the book, its stop leg waiting, linked), an
 * iceberg with its hidden reserve, visible slice and refreshed priority, and the v4 stops; a job
 * restored from it takes the iceberg slice after slice, cancels the OCO as one and the iceberg
 * whole, with exact events, balances and depth.
 */
class SavepointV5CompatibilityITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    /** The restore test's first command: after the fixture's last one and before SOL's GTD order's expiry. */
    static final long AFTER = SavepointFixture.T0 + 100_000;

    private static String resource(String name) throws Exception {
        return SavepointV3CompatibilityITCase.resource(name);
    }

    private static String savepoint() throws Exception {
        return SavepointV3CompatibilityITCase.savepoint("v5");
    }

    @Test
    void theV5SavepointRestoresTheSameBooksWithTheOcoTheIcebergAndTheStops() throws Exception {
        String expected = resource("v5-books.json");

        assertThat(String.join("", Pipeline.books(savepoint()))).isEqualTo(expected);
        List<String> lines = expected.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.subList(0, 2))
                .isEqualTo(resource("v3-books.json").lines().toList());
        assertThat(lines.get(2))
                .startsWith("{\"symbol\":\"SOL-USDT\",\"status\":\"TRADING\",\"seq\":17,\"lastTradeId\":4,"
                        + "\"lastOrderId\":11,\"openOrders\":4,")
                // the iceberg shows 0.300 of the 2.300 it has left; its priority is trade #3's seq
                .contains(",\"bids\":[{\"price\":\"98.50\",\"quantity\":\"0.300\",\"orders\":1}],")
                .contains("{\"orderId\":10,\"userId\":21,\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"98.50\","
                        + "\"quantity\":\"3.000\",\"filled\":\"0.700\",\"remaining\":\"2.300\",\"fees\":\"0.06895\","
                        + "\"stp\":\"NONE\",\"priority\":16,\"icebergQuantity\":\"0.500\",\"visible\":\"0.300\"}")
                .contains("{\"orderId\":8,\"userId\":20,\"side\":\"SELL\",\"type\":\"LIMIT\",\"price\":\"104.00\","
                        + "\"quantity\":\"0.500\",\"filled\":\"0.000\",\"remaining\":\"0.500\",\"fees\":\"0.00000\","
                        + "\"stp\":\"NONE\",\"priority\":11,\"ocoOrderId\":9}")
                .endsWith(
                        ",\"stopOrders\":[{\"orderId\":5,\"userId\":10,\"side\":\"SELL\",\"type\":\"STOP_LOSS_LIMIT\","
                                + "\"stopPrice\":\"98.00\",\"quantity\":\"0.500\"},{\"orderId\":6,\"userId\":11,\"side\":\"SELL\","
                                + "\"type\":\"TAKE_PROFIT\",\"stopPrice\":\"102.00\",\"quantity\":\"0.300\"},{\"orderId\":9,"
                                + "\"userId\":20,\"side\":\"SELL\",\"type\":\"STOP_LOSS_LIMIT\",\"stopPrice\":\"96.00\","
                                + "\"quantity\":\"0.500\",\"ocoOrderId\":8}]}");
    }

    /**
     * What the restore test sends to SOL-USDT: a sell that takes the iceberg's visible slice and two
     * more refreshed slices, a cancel of the OCO's limit leg (its stop leg goes with it) and a
     * cancel of the iceberg (its reserve with it). All before the GTD order 3 expires.
     */
    static List<ProducerRecord<byte[], byte[]>> afterRestore(Pipeline p) {
        List<Command> script = List.of(
                Command.limit(12, 22, Side.SELL, "98.50", "1.000", TimeInForce.IOC),
                Command.cancel(8, 20),
                Command.cancel(10, 21));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < script.size(); i++) {
            records.add(p.command("SOL-USDT", script.get(i), AFTER + i * 1000L));
        }
        return records;
    }

    @Test
    void aJobRestoredFromItRefreshesTheIcebergAndCancelsTheOcoAsOne() throws Exception {
        Pipeline p = Pipeline.onOrdersTopic(SERVERS, SavepointFixture.V5_ORDERS_TOPIC, 2);
        SERVERS.kafka().createTopic(SavepointFixture.V5_FUNDS_TOPIC, 2);
        // The fixture's own records first, as in a real upgrade: the restored sources resume after them.
        String funds = SavepointFixture.V5_FUNDS_TOPIC;
        p.produce(SavepointFixture.depositsV4(funds, "dep", "100000", SavepointFixture.T0 - 60_000));
        p.produce(SavepointFixture.scenarioV5(p));
        p.produce(SavepointFixture.depositsV4(funds, "top", "1", AFTER)); // every balance row moves once more
        p.produce(afterRestore(p));
        assertThat(SavepointFixture.SOL_GTD_EXPIRY).isGreaterThan(AFTER + 2000);

        Map<String, String> options = SavepointFixture.v3Options(p, funds);
        String end = SavepointFixture.run(
                p, options, Map.of("execution.state-recovery.path", savepoint()), SavepointFixture.V4_DEPOSITS);

        assertThat(p.query("SELECT count(*) FROM ledger WHERE leg = 'MIGRATION_HOLD'"))
                .as("the fixture's orders are held already")
                .containsExactly("0");
        String sol = "{\"symbol\":\"SOL-USDT\",\"seq\":";
        String trade = ",\"time\":1767225700000,\"type\":\"TRADE\",\"tradeId\":";
        assertThat(p.dedupedEvents()).containsOnlyKeys("SOL-USDT");
        assertThat(p.dedupedEvents().get("SOL-USDT"))
                .containsExactly(
                        sol + "18,\"time\":1767225700000,\"type\":\"ACCEPTED\",\"orderId\":12,\"userId\":22,"
                                + "\"side\":\"SELL\",\"orderType\":\"LIMIT\",\"timeInForce\":\"IOC\",\"price\":\"98.50\","
                                + "\"quantity\":\"1.000\",\"stp\":\"NONE\"}",
                        // the visible 0.300 of before the savepoint, then a new slice of 0.500, then 0.200 of the next
                        sol + "19" + trade
                                + "5,\"price\":\"98.50\",\"quantity\":\"0.300\",\"quoteQuantity\":\"29.55000\","
                                + "\"takerSide\":\"SELL\",\"takerOrderId\":12,\"takerUserId\":22,\"makerOrderId\":10,"
                                + "\"makerUserId\":21,\"takerFee\":\"0.05910\",\"makerFee\":\"0.02955\",\"feeAsset\":\"USDT\","
                                + "\"takerStatus\":\"PARTIALLY_FILLED\",\"makerStatus\":\"PARTIALLY_FILLED\"}",
                        sol + "20" + trade
                                + "6,\"price\":\"98.50\",\"quantity\":\"0.500\",\"quoteQuantity\":\"49.25000\","
                                + "\"takerSide\":\"SELL\",\"takerOrderId\":12,\"takerUserId\":22,\"makerOrderId\":10,"
                                + "\"makerUserId\":21,\"takerFee\":\"0.09850\",\"makerFee\":\"0.04925\",\"feeAsset\":\"USDT\","
                                + "\"takerStatus\":\"PARTIALLY_FILLED\",\"makerStatus\":\"PARTIALLY_FILLED\"}",
                        sol + "21" + trade
                                + "7,\"price\":\"98.50\",\"quantity\":\"0.200\",\"quoteQuantity\":\"19.70000\","
                                + "\"takerSide\":\"SELL\",\"takerOrderId\":12,\"takerUserId\":22,\"makerOrderId\":10,"
                                + "\"makerUserId\":21,\"takerFee\":\"0.03940\",\"makerFee\":\"0.01970\",\"feeAsset\":\"USDT\","
                                + "\"takerStatus\":\"FILLED\",\"makerStatus\":\"PARTIALLY_FILLED\"}",
                        // the OCO's legs were relinked on restore: cancelling the limit leg takes the stop leg
                        sol + "22,\"time\":1767225701000,\"type\":\"CANCELLED\",\"orderId\":8,\"userId\":20,"
                                + "\"reason\":\"USER\",\"cancelledQuantity\":\"0.500\",\"filledQuantity\":\"0.000\"}",
                        sol + "23,\"time\":1767225701000,\"type\":\"CANCELLED\",\"orderId\":9,\"userId\":20,"
                                + "\"reason\":\"OCO\",\"cancelledQuantity\":\"0.500\",\"filledQuantity\":\"0.000\"}",
                        // the iceberg goes whole: its slice and its reserve
                        sol + "24,\"time\":1767225702000,\"type\":\"CANCELLED\",\"orderId\":10,\"userId\":21,"
                                + "\"reason\":\"USER\",\"cancelledQuantity\":\"1.300\",\"filledQuantity\":\"1.700\"}");
        assertThat(Pipeline.books(end).stream()
                        .filter(b -> b.startsWith("{\"symbol\":\"SOL-USDT\""))
                        .toList())
                .containsExactly("{\"symbol\":\"SOL-USDT\",\"status\":\"TRADING\",\"seq\":24,\"lastTradeId\":7,"
                        + "\"lastOrderId\":12,\"openOrders\":2,\"severalPartitions\":false,"
                        + "\"lastAdminSource\":{\"partition\":0,\"offset\":3},\"ordersHeld\":true,\"bids\":[],"
                        + "\"asks\":[{\"price\":\"100.00\",\"quantity\":\"0.600\",\"orders\":1},"
                        + "{\"price\":\"101.00\",\"quantity\":\"2.000\",\"orders\":1}],"
                        + "\"orders\":[{\"orderId\":1,\"userId\":7,\"side\":\"SELL\",\"type\":\"LIMIT\",\"price\":\"100.00\","
                        + "\"quantity\":\"1.000\",\"filled\":\"0.400\",\"remaining\":\"0.600\",\"fees\":\"0.04000\","
                        + "\"stp\":\"NONE\",\"priority\":2},{\"orderId\":3,\"userId\":7,\"side\":\"SELL\",\"type\":\"LIMIT\","
                        + "\"price\":\"101.00\",\"quantity\":\"2.000\",\"filled\":\"0.000\",\"remaining\":\"2.000\","
                        + "\"fees\":\"0.00000\",\"stp\":\"NONE\",\"priority\":5}],"
                        + "\"stopOrders\":[{\"orderId\":5,\"userId\":10,\"side\":\"SELL\",\"type\":\"STOP_LOSS_LIMIT\","
                        + "\"stopPrice\":\"98.00\",\"quantity\":\"0.500\"},{\"orderId\":6,\"userId\":11,\"side\":\"SELL\","
                        + "\"type\":\"TAKE_PROFIT\",\"stopPrice\":\"102.00\",\"quantity\":\"0.300\"}]}\n");
        // Every balance is the fixture's plus what moved after the restore; the OCO's and the iceberg's holds are gone.
        SavepointV3CompatibilityITCase.assertBalancesAreTheFixturesPlusTheLedgers(p, "v5-balances.txt", 41);
        assertThat(p.query("SELECT account, asset, held FROM balances WHERE held <> 0 AND asset = 'SOL'"
                        + " ORDER BY account"))
                .containsExactly("7|SOL|2.600", "10|SOL|0.500", "11|SOL|0.300");
        assertThat(p.query("SELECT count(*) FROM overdrafts")).containsExactly("0");

        // SOL's depth: the iceberg's slice, never its reserve, and no gap across the restore.
        List<String> before = SavepointV3CompatibilityITCase.resource("v5-market-data.json")
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
        String depth = "{\"symbol\":\"SOL-USDT\",\"type\":\"DEPTH\",\"time\":";
        assertThat(depthBefore.get(depthBefore.size() - 1))
                .isEqualTo(depth + "1767225627000,\"firstSeq\":14,\"lastSeq\":17,\"prevSeq\":13,"
                        + "\"bids\":[[\"99.00\",\"0.000\",0],[\"98.50\",\"0.300\",1]],\"asks\":[]}");
        assertThat(depthAfter)
                .containsExactly(
                        depth + "1767225700000,\"firstSeq\":18,\"lastSeq\":21,\"prevSeq\":17,"
                                + "\"bids\":[[\"98.50\",\"0.300\",1]],\"asks\":[]}",
                        depth + "1767225701000,\"firstSeq\":22,\"lastSeq\":23,\"prevSeq\":21,"
                                + "\"bids\":[],\"asks\":[[\"104.00\",\"0.000\",0]]}",
                        depth + "1767225702000,\"firstSeq\":24,\"lastSeq\":24,\"prevSeq\":23,"
                                + "\"bids\":[[\"98.50\",\"0.000\",0]],\"asks\":[]}");
        L2Client client = new L2Client();
        client.accept(ofType(before, "SNAPSHOT").get(0).getBytes(StandardCharsets.UTF_8));
        depthBefore.forEach(m -> client.accept(m.getBytes(StandardCharsets.UTF_8)));
        depthAfter.forEach(m -> client.accept(m.getBytes(StandardCharsets.UTF_8)));
        assertThat(client.gaps()).isZero();
        assertThat(client.synced()).isTrue();
        assertThat(MarketDataITCase.ladder(client))
                .isEqualTo(",\"bids\":[],\"asks\":[{\"price\":\"100.00\",\"quantity\":\"0.600\",\"orders\":1},"
                        + "{\"price\":\"101.00\",\"quantity\":\"2.000\",\"orders\":1}]");
    }

    private static List<String> ofType(List<String> messages, String type) {
        return messages.stream()
                .filter(m -> m.contains("\"type\":\"" + type + "\""))
                .toList();
    }
}
