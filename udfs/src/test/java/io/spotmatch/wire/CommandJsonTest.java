package io.spotmatch.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.book.Command;
import io.spotmatch.book.CommandType;
import io.spotmatch.book.Decimal;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandJsonTest {

    private static final byte[] KEY = "BTC-USDT".getBytes(StandardCharsets.UTF_8);

    private static WireCommand parse(String json) throws PoisonException {
        return CommandJson.parse(KEY, json.getBytes(StandardCharsets.UTF_8), 4096);
    }

    @Test
    void readsEveryCommandType() throws PoisonException {
        assertThat(parse("""
                {"type":"NEW","symbol":"BTC-USDT","orderId":1001,"userId":7,"side":"BUY","orderType":"LIMIT",
                 "timeInForce":"IOC","price":"65000.10","quantity":"0.125","stp":"EXPIRE_MAKER"}""").command())
                .isEqualTo(new Command(
                        CommandType.NEW,
                        1001,
                        7,
                        Side.BUY,
                        OrderType.LIMIT,
                        TimeInForce.IOC,
                        Decimal.parse("65000.10"),
                        Decimal.parse("0.125"),
                        null,
                        StpMode.EXPIRE_MAKER,
                        null));
        assertThat(parse("""
                {"type":"NEW","symbol":"BTC-USDT","orderId":2,"userId":7,"side":"BUY","orderType":"MARKET",
                "quoteQuantity":"500.00"}""").command())
                .isEqualTo(Command.marketQuote(2, 7, Side.BUY, "500.00")
                        .withStp(null)
                        .withTimeInForce(null));
        assertThat(parse("""
                {"type":"NEW","symbol":"BTC-USDT","orderId":3,"userId":7,"side":"SELL","orderType":"OCO",
                "price":"105.00","stopPrice":"95.00","stopLimitPrice":"94.50","quantity":"1.000"}""").command()).isEqualTo(Command.oco(3, 7, Side.SELL, "105.00", "95.00", "94.50", "1.000"));
        assertThat(parse("""
                {"type":"NEW","symbol":"BTC-USDT","orderId":4,"userId":7,"side":"SELL","orderType":"LIMIT",
                "price":"105.00","quantity":"1.000","icebergQuantity":"0.100"}""").command())
                .isEqualTo(Command.limit(4, 7, Side.SELL, "105.00", "1.000", null)
                        .withStp(null)
                        .withIcebergQuantity("0.100"));
        assertThat(parse("{\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":5,\"userId\":7}")
                        .command())
                .isEqualTo(Command.cancel(5, 7));
        assertThat(parse("{\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":5,\"userId\":7,\"quantity\":\"0.1\"}")
                        .command())
                .isEqualTo(Command.amend(5, 7, null, "0.1"));
        assertThat(parse("{\"type\":\"CANCEL_ALL\",\"symbol\":\"BTC-USDT\",\"userId\":7}")
                        .command())
                .isEqualTo(Command.cancelAll(7));
        WireCommand symbol = parse("""
                {"type":"SYMBOL","symbol":"BTC-USDT","baseAsset":"BTC","quoteAsset":"USDT","tickSize":"0.01",
                 "stepSize":"0.00001","minQty":"0.0001","minNotional":"5","maxPrice":"1000000","maxQty":"9000",
                 "makerFeeRate":"0.001","takerFeeRate":"0.002","status":"TRADING","defaultStp":"EXPIRE_TAKER",
                 "cancelOpenOrders":false}""");
        assertThat(symbol.symbol()).isEqualTo("BTC-USDT");
        assertThat(symbol.command().symbol())
                .isEqualTo(new SymbolUpdate(
                        "BTC",
                        "USDT",
                        Decimal.parse("0.01"),
                        Decimal.parse("0.00001"),
                        Decimal.parse("0.0001"),
                        Decimal.parse("5"),
                        Decimal.parse("1000000"),
                        Decimal.parse("9000"),
                        Decimal.parse("0.001"),
                        Decimal.parse("0.002"),
                        SymbolStatus.TRADING,
                        StpMode.EXPIRE_TAKER,
                        false));
    }

    @Test
    void acceptsPlainJsonNumbersForDecimalsReadFromTheirText() throws PoisonException {
        Command c = parse("{\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":5,\"userId\":7,\"price\":65000.10}")
                .command();
        assertThat(c.price()).isEqualTo(new Decimal(6_500_010, 2));
    }

    @Test
    void ignoresUnknownFieldsAndNulls() throws PoisonException {
        assertThat(parse("{\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":5,\"userId\":7,"
                                + "\"clientTag\":{\"a\":[1,2]},\"price\":null}")
                        .command())
                .isEqualTo(Command.cancel(5, 7));
    }

    @Test
    void writeThenReadGivesTheSameCommand() throws PoisonException {
        List<Command> commands = List.of(
                Command.limit(1, 2, Side.SELL, "100.25", "3.5", TimeInForce.FOK).withStp(StpMode.EXPIRE_BOTH),
                Command.limitMaker(3, 2, Side.BUY, "99", "1"),
                Command.market(4, 2, Side.SELL, "0.001"),
                Command.marketQuote(5, 2, Side.BUY, "12.5"),
                Command.marketQuote(5, 2, Side.SELL, "12.5").withStp(StpMode.DECREMENT),
                Command.limit(0, 2, Side.BUY, "99", "1", null).withClientOrderId("Gw-17:a/b_c.d"),
                Command.cancel(0, 2).withClientOrderId("Gw-17:a/b_c.d"),
                Command.amend(0, 2, null, "0.5").withClientOrderId("x"),
                Command.limit(8, 2, Side.SELL, "101", "1", null).withExpireTime(1_767_225_600_000L),
                Command.stop(9, 2, Side.SELL, OrderType.STOP_LOSS_LIMIT, "99.5", "99", "1"),
                Command.stop(10, 2, Side.BUY, OrderType.TAKE_PROFIT, "98", null, "0.5"),
                Command.oco(11, 2, Side.SELL, "105", "95", null, "1"),
                Command.oco(0, 2, Side.BUY, "95", "105", "106", "1").withClientOrderId("oco-1"),
                Command.limit(12, 2, Side.BUY, "99", "1", null).withIcebergQuantity("0.25"),
                Command.limitMaker(13, 2, Side.SELL, "101", "2")
                        .withIcebergQuantity("0.5")
                        .withExpireTime(9L),
                Command.amend(14, 2, null, "0.5").withIcebergQuantity("0.1"),
                Command.cancel(6, 2),
                Command.amend(7, 2, "101.00", null),
                Command.cancelAll(2),
                Command.symbol(SymbolUpdate.status(SymbolStatus.HALTED)),
                Command.symbol(SymbolUpdate.status(null)
                        .withLimits(
                                Decimal.parse("25000.5"),
                                Decimal.parse("0"),
                                Decimal.parse("200"),
                                Decimal.parse("150"))),
                Command.symbol(new SymbolUpdate(
                        "B_T.C-1",
                        "USDT",
                        Decimal.parse("0.01"),
                        Decimal.parse("0.001"),
                        null,
                        null,
                        null,
                        null,
                        Decimal.parse("0.001"),
                        null,
                        null,
                        StpMode.NONE,
                        true)));
        for (Command c : commands) {
            assertThat(CommandJson.parse(KEY, CommandJson.write("BTC-USDT", c), 4096)
                            .command())
                    .isEqualTo(c);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "INVALID_JSON        | {\"type\":\"CANCEL\"",
                "INVALID_JSON        | not json at all",
                "INVALID_JSON        | {\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1} trailing",
                "INVALID_JSON        | {\"type\":\"CANCEL\",\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1}",
                "INVALID_JSON        | {\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1,\"price\":NaN}",
                "NOT_AN_OBJECT       | [1,2,3]",
                "NOT_AN_OBJECT       | \"NEW\"",
                "NOT_AN_OBJECT       | 42",
                "UNKNOWN_TYPE        | {\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1}",
                "UNKNOWN_TYPE        | {\"type\":\"MODIFY\",\"symbol\":\"BTC-USDT\"}",
                "UNKNOWN_TYPE        | {\"type\":null,\"symbol\":\"BTC-USDT\"}",
                "MISSING_FIELD       | {\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"userId\":1}",
                "MISSING_FIELD       | {\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1,\"side\":\"BUY\",\"orderType\":\"LIMIT\",\"quantity\":\"1\"}",
                "MISSING_FIELD       | {\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1,\"side\":\"BUY\",\"orderType\":\"MARKET\"}",
                "MISSING_FIELD       | {\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1}",
                "MISSING_FIELD       | {\"type\":\"CANCEL_ALL\"}",
                "MISSING_FIELD       | {\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"userId\":1,\"side\":\"SELL\",\"orderType\":\"STOP_LOSS\",\"quantity\":\"1\"}",
                "MISSING_FIELD       | {\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"userId\":1,\"side\":\"SELL\",\"orderType\":\"STOP_LOSS_LIMIT\",\"stopPrice\":\"1\",\"quantity\":\"1\"}",
                "MISSING_FIELD       | {\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"userId\":1,\"price\":\"1\"}",
                "MISSING_FIELD       | {\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"userId\":1,\"side\":\"SELL\",\"orderType\":\"OCO\",\"price\":\"105\",\"quantity\":\"1\"}",
                "MISSING_FIELD       | {\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"userId\":1,\"side\":\"SELL\",\"orderType\":\"OCO\",\"stopPrice\":\"95\",\"quantity\":\"1\"}",
                "INVALID_FIELD       | {\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"clientOrderId\":\"a b\",\"userId\":1}",
                "INVALID_FIELD       | {\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"clientOrderId\":\"\",\"userId\":1}",
                "INVALID_FIELD       | {\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"clientOrderId\":\"0123456789012345678901234567890123456\",\"userId\":1}",
                "INVALID_FIELD       | {\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"clientOrderId\":7,\"userId\":1}",
                "INVALID_FIELD       | {\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"userId\":1,\"side\":\"BUY\",\"orderType\":\"LIMIT\",\"price\":\"1\",\"quantity\":\"1\",\"timeInForce\":\"GTD\",\"expireTime\":-5}",
                "INVALID_FIELD       | {\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"userId\":1,\"side\":\"BUY\",\"orderType\":\"LIMIT\",\"price\":\"1\",\"quantity\":\"1\",\"timeInForce\":\"GTD\",\"expireTime\":253402300800000}",
                "INVALID_FIELD       | {\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":\"1\",\"userId\":1}",
                "INVALID_FIELD       | {\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":1.5,\"userId\":1}",
                "INVALID_FIELD       | {\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":0,\"userId\":1}",
                "INVALID_FIELD       | {\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":-4}",
                "INVALID_FIELD       | {\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1,\"side\":\"HOLD\",\"orderType\":\"LIMIT\",\"price\":\"1\",\"quantity\":\"1\"}",
                "INVALID_FIELD       | {\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1,\"price\":{\"v\":1}}",
                "INVALID_FIELD       | {\"type\":\"SYMBOL\",\"symbol\":\"BTC-USDT\",\"cancelOpenOrders\":\"yes\"}",
                "INVALID_DECIMAL     | {\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1,\"price\":\"NaN\"}",
                "INVALID_DECIMAL     | {\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1,\"price\":\"Infinity\"}",
                "INVALID_DECIMAL     | {\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1,\"price\":\"1e5\"}",
                "INVALID_DECIMAL     | {\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1,\"price\":1.5e3}",
                "INVALID_DECIMAL     | {\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1,\"quantity\":\"1,5\"}",
                "INVALID_DECIMAL     | {\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"userId\":1,\"side\":\"BUY\",\"orderType\":\"LIMIT\",\"price\":\"1\",\"quantity\":\"1\",\"icebergQuantity\":\"1e-1\"}",
                "INVALID_FIELD       | {\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"userId\":1,\"side\":\"BUY\",\"orderType\":\"LIMIT\",\"price\":\"1\",\"quantity\":\"1\",\"icebergQuantity\":true}",
                "OUT_OF_RANGE        | {\"type\":\"NEW\",\"symbol\":\"BTC-USDT\",\"userId\":1,\"side\":\"BUY\",\"orderType\":\"LIMIT\",\"price\":\"1\",\"quantity\":\"1\",\"icebergQuantity\":\"123456789012345678901\"}",
                "OUT_OF_RANGE        | {\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":9223372036854775808,\"userId\":1}",
                "OUT_OF_RANGE        | {\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1,\"price\":\"123456789012345678901\"}",
                "OUT_OF_RANGE        | {\"type\":\"AMEND\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1,\"price\":\"0.0000000000000000001\"}",
                "KEY_SYMBOL_MISMATCH | {\"type\":\"CANCEL\",\"symbol\":\"ETH-USDT\",\"orderId\":1,\"userId\":1}",
            })
    void classifiesPoison(PoisonCode code, String json) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(
                        PoisonException.class,
                        e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }

    @Test
    void classifiesPoisonThatIsNotAboutTheText() {
        byte[] ok = "{\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":1}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CommandJson.parse(KEY, ok, ok.length - 1))
                .isInstanceOfSatisfying(
                        PoisonException.class, e -> assertThat(e.code()).isEqualTo(PoisonCode.OVERSIZE));
        assertThatThrownBy(() -> CommandJson.parse(null, ok, 4096))
                .isInstanceOfSatisfying(
                        PoisonException.class, e -> assertThat(e.code()).isEqualTo(PoisonCode.KEY_SYMBOL_MISMATCH));
        assertThatThrownBy(() -> CommandJson.parse(KEY, null, 4096))
                .isInstanceOfSatisfying(
                        PoisonException.class, e -> assertThat(e.code()).isEqualTo(PoisonCode.INVALID_JSON));
        byte[] badSymbol = "{\"type\":\"CANCEL\",\"symbol\":\"BTC USDT\",\"orderId\":1,\"userId\":1}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CommandJson.parse("BTC USDT".getBytes(StandardCharsets.UTF_8), badSymbol, 4096))
                .isInstanceOfSatisfying(
                        PoisonException.class, e -> assertThat(e.code()).isEqualTo(PoisonCode.INVALID_FIELD));
    }
}
