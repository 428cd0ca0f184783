package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.Decimal;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Orders in, exact events, trades and order rows out: the production topology on real Kafka and PostgreSQL. */
class JobEndToEndITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    static Command listing(String base, String tick, String step, String maker, String taker) {
        return Command.symbol(new SymbolUpdate(
                base,
                "USDT",
                Decimal.parse(tick),
                Decimal.parse(step),
                null,
                null,
                Decimal.parse("1000000"),
                Decimal.parse("1000"),
                Decimal.parse(maker),
                Decimal.parse(taker),
                SymbolStatus.TRADING,
                StpMode.NONE,
                false));
    }

    @Test
    void ordersInExactEventsTradesAndOrdersOut() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 2);
        p.produce(List.of(
                p.command("BTC-USDT", listing("BTC", "0.01", "0.001", "0.001", "0.002"), T0),
                p.command("BTC-USDT", Command.limit(1, 7, Side.SELL, "65000.10", "0.500", TimeInForce.GTC), T0 + 1000),
                p.command("BTC-USDT", Command.limit(2, 7, Side.SELL, "65000.20", "0.300", TimeInForce.GTC), T0 + 2000),
                p.command("BTC-USDT", Command.market(3, 8, Side.BUY, "0.600"), T0 + 3000),
                p.command("BTC-USDT", Command.amend(2, 7, null, "0.250"), T0 + 4000),
                p.command("BTC-USDT", Command.cancel(2, 7), T0 + 5000),
                p.command("ETH-USDT", listing("ETH", "0.01", "0.0001", "0", "0"), T0 + 6000),
                p.command("ETH-USDT", Command.limit(10, 9, Side.BUY, "3500.00", "1.0000", TimeInForce.GTC), T0 + 7000),
                p.command("ETH-USDT", Command.limit(11, 9, Side.BUY, "3500.001", "1.0000", TimeInForce.GTC), T0 + 8000),
                // no order id: the engine numbers it (11: the rejected 11 was not used up)
                p.command(
                        "ETH-USDT",
                        Command.limit(0, 9, Side.SELL, "3600.00", "0.5000", TimeInForce.GTC)
                                .withClientOrderId("eth-1")
                                .withExpireTime(T0 + 86_400_000),
                        T0 + 8500),
                // a stop-loss waits outside the book (ETH has not traded)
                p.command(
                        "ETH-USDT",
                        Command.stop(12, 9, Side.SELL, OrderType.STOP_LOSS_LIMIT, "3400.00", "3390.00", "0.1000"),
                        T0 + 8700),
                // an OCO: limit leg 13 rests, stop leg 14 waits; cancelling the limit leg takes the stop leg
                p.command("ETH-USDT", Command.oco(13, 9, Side.SELL, "3700.00", "3300.00", null, "0.2000"), T0 + 8800),
                p.command("ETH-USDT", Command.cancel(13, 9), T0 + 8900),
                p.command("DOGE-USDT", Command.limit(1, 9, Side.BUY, "0.10", "100", TimeInForce.GTC), T0 + 9000)));

        p.runToEnd(Map.of());

        String btc = "{\"symbol\":\"BTC-USDT\",\"seq\":";
        assertThat(p.events().get("BTC-USDT"))
                .containsExactly(
                        btc
                                + "1,\"time\":1767225600000,\"type\":\"SYMBOL_UPDATED\",\"baseAsset\":\"BTC\",\"quoteAsset\":\"USDT\","
                                + "\"tickSize\":\"0.01\",\"stepSize\":\"0.001\",\"minQty\":\"0.001\",\"minNotional\":\"0\","
                                + "\"maxPrice\":\"1000000\",\"maxQty\":\"1000\",\"makerFeeRate\":\"0.001\",\"takerFeeRate\":\"0.002\","
                                + "\"status\":\"TRADING\",\"defaultStp\":\"NONE\"}",
                        btc
                                + "2,\"time\":1767225601000,\"type\":\"ACCEPTED\",\"orderId\":1,\"userId\":7,\"side\":\"SELL\","
                                + "\"orderType\":\"LIMIT\",\"timeInForce\":\"GTC\",\"price\":\"65000.10\",\"quantity\":\"0.500\",\"stp\":\"NONE\"}",
                        btc
                                + "3,\"time\":1767225602000,\"type\":\"ACCEPTED\",\"orderId\":2,\"userId\":7,\"side\":\"SELL\","
                                + "\"orderType\":\"LIMIT\",\"timeInForce\":\"GTC\",\"price\":\"65000.20\",\"quantity\":\"0.300\",\"stp\":\"NONE\"}",
                        btc
                                + "4,\"time\":1767225603000,\"type\":\"ACCEPTED\",\"orderId\":3,\"userId\":8,\"side\":\"BUY\","
                                + "\"orderType\":\"MARKET\",\"timeInForce\":\"IOC\",\"quantity\":\"0.600\",\"stp\":\"NONE\"}",
                        btc
                                + "5,\"time\":1767225603000,\"type\":\"TRADE\",\"tradeId\":1,\"price\":\"65000.10\",\"quantity\":\"0.500\","
                                + "\"quoteQuantity\":\"32500.05000\",\"takerSide\":\"BUY\",\"takerOrderId\":3,\"takerUserId\":8,"
                                + "\"makerOrderId\":1,\"makerUserId\":7,\"takerFee\":\"65.00010\",\"makerFee\":\"32.50005\","
                                + "\"feeAsset\":\"USDT\",\"takerStatus\":\"PARTIALLY_FILLED\",\"makerStatus\":\"FILLED\"}",
                        btc
                                + "6,\"time\":1767225603000,\"type\":\"TRADE\",\"tradeId\":2,\"price\":\"65000.20\",\"quantity\":\"0.100\","
                                + "\"quoteQuantity\":\"6500.02000\",\"takerSide\":\"BUY\",\"takerOrderId\":3,\"takerUserId\":8,"
                                + "\"makerOrderId\":2,\"makerUserId\":7,\"takerFee\":\"13.00004\",\"makerFee\":\"6.50002\","
                                + "\"feeAsset\":\"USDT\",\"takerStatus\":\"FILLED\",\"makerStatus\":\"PARTIALLY_FILLED\"}",
                        btc
                                + "7,\"time\":1767225604000,\"type\":\"AMENDED\",\"orderId\":2,\"userId\":7,\"price\":\"65000.20\","
                                + "\"quantity\":\"0.250\",\"previousPrice\":\"65000.20\",\"previousQuantity\":\"0.300\",\"priorityKept\":true}",
                        btc
                                + "8,\"time\":1767225605000,\"type\":\"CANCELLED\",\"orderId\":2,\"userId\":7,\"reason\":\"USER\","
                                + "\"cancelledQuantity\":\"0.150\",\"filledQuantity\":\"0.100\"}");
        assertThat(p.events().get("ETH-USDT").subList(5, 9))
                .containsExactly(
                        "{\"symbol\":\"ETH-USDT\",\"seq\":6,\"time\":1767225608800,\"type\":\"ACCEPTED\",\"orderId\":13,"
                                + "\"userId\":9,\"side\":\"SELL\",\"orderType\":\"LIMIT\",\"timeInForce\":\"GTC\","
                                + "\"price\":\"3700.00\",\"quantity\":\"0.2000\",\"stp\":\"NONE\",\"ocoOrderId\":14}",
                        "{\"symbol\":\"ETH-USDT\",\"seq\":7,\"time\":1767225608800,\"type\":\"ACCEPTED\",\"orderId\":14,"
                                + "\"userId\":9,\"side\":\"SELL\",\"orderType\":\"STOP_LOSS\",\"timeInForce\":\"IOC\","
                                + "\"stopPrice\":\"3300.00\",\"quantity\":\"0.2000\",\"stp\":\"NONE\",\"ocoOrderId\":13}",
                        "{\"symbol\":\"ETH-USDT\",\"seq\":8,\"time\":1767225608900,\"type\":\"CANCELLED\",\"orderId\":13,"
                                + "\"userId\":9,\"reason\":\"USER\",\"cancelledQuantity\":\"0.2000\",\"filledQuantity\":\"0.0000\"}",
                        "{\"symbol\":\"ETH-USDT\",\"seq\":9,\"time\":1767225608900,\"type\":\"CANCELLED\",\"orderId\":14,"
                                + "\"userId\":9,\"reason\":\"OCO\",\"cancelledQuantity\":\"0.2000\",\"filledQuantity\":\"0.0000\"}");
        assertThat(p.events().get("ETH-USDT"))
                .hasSize(9)
                .element(2)
                .isEqualTo(
                        "{\"symbol\":\"ETH-USDT\",\"seq\":3,\"time\":1767225608000,\"type\":\"REJECTED\",\"command\":\"NEW\","
                                + "\"orderId\":11,\"userId\":9,\"reason\":\"INVALID_PRICE\"}");
        assertThat(p.events().get("DOGE-USDT"))
                .containsExactly(
                        "{\"symbol\":\"DOGE-USDT\",\"seq\":0,\"time\":1767225609000,\"type\":\"REJECTED\",\"command\":\"NEW\","
                                + "\"orderId\":1,\"userId\":9,\"reason\":\"UNKNOWN_SYMBOL\"}");

        assertThat(p.query(Pipeline.TRADES))
                .containsExactly(
                        "BTC-USDT|1|5|65000.10|0.500|32500.05000|BUY|3|8|1|7|65.00010|32.50005|USDT|1767225603000",
                        "BTC-USDT|2|6|65000.20|0.100|6500.02000|BUY|3|8|2|7|13.00004|6.50002|USDT|1767225603000");
        assertThat(p.query(Pipeline.ORDERS))
                .containsExactly(
                        "BTC-USDT|1|7|SELL|LIMIT|GTC|NONE|65000.10|0.500|null|FILLED|0.500|0.000|32500.05000|"
                                + "65000.100000000000|32.50005|null|5|1767225601000|1767225603000",
                        "BTC-USDT|2|7|SELL|LIMIT|GTC|NONE|65000.20|0.250|null|CANCELLED|0.100|0.150|6500.02000|"
                                + "65000.200000000000|6.50002|USER|8|1767225602000|1767225605000",
                        "BTC-USDT|3|8|BUY|MARKET|IOC|NONE|null|0.600|null|FILLED|0.600|0.000|39000.07000|"
                                + "65000.116666666667|78.00014|null|6|1767225603000|1767225603000",
                        "ETH-USDT|10|9|BUY|LIMIT|GTC|NONE|3500.00|1.0000|null|NEW|0.0000|1.0000|0.000000|null|0.000000|null|2|"
                                + "1767225607000|1767225607000",
                        "ETH-USDT|11|9|SELL|LIMIT|GTD|NONE|3600.00|0.5000|null|NEW|0.0000|0.5000|0.000000|null|0.000000|null|4|"
                                + "1767225608500|1767225608500",
                        "ETH-USDT|12|9|SELL|STOP_LOSS_LIMIT|GTC|NONE|3390.00|0.1000|null|NEW|0.0000|0.1000|0.000000|"
                                + "null|0.000000|null|5|1767225608700|1767225608700",
                        "ETH-USDT|13|9|SELL|LIMIT|GTC|NONE|3700.00|0.2000|null|CANCELLED|0.0000|0.2000|0.000000|"
                                + "null|0.000000|USER|8|1767225608800|1767225608900",
                        "ETH-USDT|14|9|SELL|STOP_LOSS|IOC|NONE|null|0.2000|null|CANCELLED|0.0000|0.2000|0.000000|"
                                + "null|0.000000|OCO|9|1767225608800|1767225608900");
        assertThat(p.query("SELECT order_id, stop_price FROM orders WHERE stop_price IS NOT NULL"))
                .containsExactly("12|3400.00", "14|3300.00");
        assertThat(p.events().get("ETH-USDT").get(3))
                .contains("\"type\":\"ACCEPTED\",\"orderId\":11,\"userId\":9,\"clientOrderId\":\"eth-1\",")
                .contains("\"timeInForce\":\"GTD\",\"expireTime\":1767312000000,");
        assertThat(p.query("SELECT symbol, order_id, client_order_id, (EXTRACT(EPOCH FROM expire_time) * 1000)::bigint"
                        + " FROM orders WHERE client_order_id IS NOT NULL OR expire_time IS NOT NULL"))
                .containsExactly("ETH-USDT|11|eth-1|1767312000000");
        assertThat(p.readAll(p.deadLetterTopic, false)).isEmpty();
    }
}
