package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.Side;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.job.local.EmbeddedKafka;
import io.spotmatch.marketdata.MarketData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An iceberg order through the production topology on real Kafka and PostgreSQL: the ACCEPTED event
 * carries its icebergQuantity, a taker meets its refreshed slice after the order behind it, order
 * rows report the total quantity, and the depth stream shows only the visible slice.
 */
class IcebergITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static final long T0 = JobEndToEndITCase.T0;

    @Test
    void anIcebergThroughTheJobExactEventsTradesOrderRowsAndDepth() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 2);
        String prefix = "md-" + p.id + ".";
        EmbeddedKafka.createTopic(SERVERS.kafka().bootstrapServers(), MarketData.Kind.DEPTH.topic(prefix), 1, Map.of());
        p.produce(List.of(
                p.command("BTC-USDT", JobEndToEndITCase.listing("BTC", "0.01", "0.001", "0.001", "0.002"), T0),
                p.command(
                        "BTC-USDT",
                        Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC)
                                .withIcebergQuantity("0.300"),
                        T0 + 1000),
                p.command("BTC-USDT", Command.limit(2, 8, Side.SELL, "100.00", "0.200", TimeInForce.GTC), T0 + 2000),
                // 0.300 of 1's slice, its next slice goes behind 2; 0.200 of 2; 0.100 of 1's new slice
                p.command("BTC-USDT", Command.limit(3, 9, Side.BUY, "100.00", "0.600", TimeInForce.GTC), T0 + 3000),
                p.command("BTC-USDT", Command.cancel(1, 7), T0 + 4000),
                p.command(
                        "BTC-USDT",
                        Command.limit(4, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC)
                                .withIcebergQuantity("1.000"),
                        T0 + 5000)));

        p.runToEnd(Map.of("market-data.streams", "DEPTH", "market-data.topic-prefix", prefix));

        String btc = "{\"symbol\":\"BTC-USDT\",\"seq\":";
        String trade = ",\"type\":\"TRADE\",\"tradeId\":";
        assertThat(p.events().get("BTC-USDT").subList(1, 9))
                .containsExactly(
                        btc + "2,\"time\":1767225601000,\"type\":\"ACCEPTED\",\"orderId\":1,\"userId\":7,"
                                + "\"side\":\"SELL\",\"orderType\":\"LIMIT\",\"timeInForce\":\"GTC\",\"price\":\"100.00\","
                                + "\"quantity\":\"1.000\",\"icebergQuantity\":\"0.300\",\"stp\":\"NONE\"}",
                        btc + "3,\"time\":1767225602000,\"type\":\"ACCEPTED\",\"orderId\":2,\"userId\":8,"
                                + "\"side\":\"SELL\",\"orderType\":\"LIMIT\",\"timeInForce\":\"GTC\",\"price\":\"100.00\","
                                + "\"quantity\":\"0.200\",\"stp\":\"NONE\"}",
                        btc + "4,\"time\":1767225603000,\"type\":\"ACCEPTED\",\"orderId\":3,\"userId\":9,"
                                + "\"side\":\"BUY\",\"orderType\":\"LIMIT\",\"timeInForce\":\"GTC\",\"price\":\"100.00\","
                                + "\"quantity\":\"0.600\",\"stp\":\"NONE\"}",
                        btc + "5,\"time\":1767225603000" + trade + "1,\"price\":\"100.00\",\"quantity\":\"0.300\","
                                + "\"quoteQuantity\":\"30.00000\",\"takerSide\":\"BUY\",\"takerOrderId\":3,"
                                + "\"takerUserId\":9,\"makerOrderId\":1,\"makerUserId\":7,\"takerFee\":\"0.06000\","
                                + "\"makerFee\":\"0.03000\",\"feeAsset\":\"USDT\",\"takerStatus\":\"PARTIALLY_FILLED\","
                                + "\"makerStatus\":\"PARTIALLY_FILLED\"}",
                        btc + "6,\"time\":1767225603000" + trade + "2,\"price\":\"100.00\",\"quantity\":\"0.200\","
                                + "\"quoteQuantity\":\"20.00000\",\"takerSide\":\"BUY\",\"takerOrderId\":3,"
                                + "\"takerUserId\":9,\"makerOrderId\":2,\"makerUserId\":8,\"takerFee\":\"0.04000\","
                                + "\"makerFee\":\"0.02000\",\"feeAsset\":\"USDT\",\"takerStatus\":\"PARTIALLY_FILLED\","
                                + "\"makerStatus\":\"FILLED\"}",
                        btc + "7,\"time\":1767225603000" + trade + "3,\"price\":\"100.00\",\"quantity\":\"0.100\","
                                + "\"quoteQuantity\":\"10.00000\",\"takerSide\":\"BUY\",\"takerOrderId\":3,"
                                + "\"takerUserId\":9,\"makerOrderId\":1,\"makerUserId\":7,\"takerFee\":\"0.02000\","
                                + "\"makerFee\":\"0.01000\",\"feeAsset\":\"USDT\",\"takerStatus\":\"FILLED\","
                                + "\"makerStatus\":\"PARTIALLY_FILLED\"}",
                        btc + "8,\"time\":1767225604000,\"type\":\"CANCELLED\",\"orderId\":1,\"userId\":7,"
                                + "\"reason\":\"USER\",\"cancelledQuantity\":\"0.600\",\"filledQuantity\":\"0.400\"}",
                        btc + "9,\"time\":1767225605000,\"type\":\"REJECTED\",\"command\":\"NEW\",\"orderId\":4,"
                                + "\"userId\":7,\"reason\":\"INVALID_ICEBERG\"}");
        assertThat(p.events().get("BTC-USDT")).hasSize(9);

        assertThat(p.query(Pipeline.TRADES))
                .containsExactly(
                        "BTC-USDT|1|5|100.00|0.300|30.00000|BUY|3|9|1|7|0.06000|0.03000|USDT|1767225603000",
                        "BTC-USDT|2|6|100.00|0.200|20.00000|BUY|3|9|2|8|0.04000|0.02000|USDT|1767225603000",
                        "BTC-USDT|3|7|100.00|0.100|10.00000|BUY|3|9|1|7|0.02000|0.01000|USDT|1767225603000");
        // Order rows carry the total quantity and fills of the iceberg, never its slice.
        assertThat(p.query(Pipeline.ORDERS))
                .containsExactly(
                        "BTC-USDT|1|7|SELL|LIMIT|GTC|NONE|100.00|1.000|null|CANCELLED|0.400|0.600|40.00000|"
                                + "100.0000000000000000|0.04000|USER|8|1767225601000|1767225604000",
                        "BTC-USDT|2|8|SELL|LIMIT|GTC|NONE|100.00|0.200|null|FILLED|0.200|0.000|20.00000|"
                                + "100.0000000000000000|0.02000|null|6|1767225602000|1767225603000",
                        "BTC-USDT|3|9|BUY|LIMIT|GTC|NONE|100.00|0.600|null|FILLED|0.600|0.000|60.00000|"
                                + "100.0000000000000000|0.12000|null|7|1767225603000|1767225603000");

        // Depth: 1 shows its 0.300 slice, never its reserve; after the taker, the 0.200 left of its new slice.
        String depth = "{\"symbol\":\"BTC-USDT\",\"type\":\"DEPTH\",\"time\":";
        assertThat(p.readAll(MarketData.Kind.DEPTH.topic(prefix), false).stream()
                        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                        .filter(m -> m.contains("\"BTC-USDT\"")))
                .containsExactly(
                        depth + "1767225601000,\"firstSeq\":2,\"lastSeq\":2,\"prevSeq\":0,"
                                + "\"bids\":[],\"asks\":[[\"100.00\",\"0.300\",1]]}",
                        depth + "1767225602000,\"firstSeq\":3,\"lastSeq\":3,\"prevSeq\":2,"
                                + "\"bids\":[],\"asks\":[[\"100.00\",\"0.500\",2]]}",
                        depth + "1767225603000,\"firstSeq\":4,\"lastSeq\":7,\"prevSeq\":3,"
                                + "\"bids\":[],\"asks\":[[\"100.00\",\"0.200\",1]]}",
                        depth + "1767225604000,\"firstSeq\":8,\"lastSeq\":8,\"prevSeq\":7,"
                                + "\"bids\":[],\"asks\":[[\"100.00\",\"0.000\",0]]}");
        assertThat(p.readAll(p.deadLetterTopic, false)).isEmpty();
    }
}
