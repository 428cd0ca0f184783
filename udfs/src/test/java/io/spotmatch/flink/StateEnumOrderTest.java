package io.spotmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.TimeInForce;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Savepoints store these enums as ordinals ({@link Codec#writeEnum}): reordering or removing a
 * constant would silently turn every stored BUY into a SELL. New constants go at the end, and
 * this list grows with them.
 */
class StateEnumOrderTest {

    static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    @Test
    void storedEnumsKeepTheirOrdinals() {
        assertThat(names(Side.values())).containsExactly("BUY", "SELL");
        assertThat(names(OrderType.values()))
                .containsExactly(
                        "LIMIT",
                        "MARKET",
                        "LIMIT_MAKER",
                        "STOP_LOSS",
                        "STOP_LOSS_LIMIT",
                        "TAKE_PROFIT",
                        "TAKE_PROFIT_LIMIT",
                        "OCO");
        assertThat(names(TimeInForce.values())).containsExactly("GTC", "IOC", "FOK", "GTD");
        assertThat(names(StpMode.values()))
                .containsExactly("NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH", "DECREMENT");
        assertThat(names(SymbolStatus.values())).containsExactly("TRADING", "CANCEL_ONLY", "HALTED");
        // the order-row sink's unwritten rows hold these two
        assertThat(names(io.spotmatch.book.OrderStatus.values()))
                .containsExactly("NEW", "PARTIALLY_FILLED", "FILLED", "CANCELLED");
        assertThat(names(io.spotmatch.book.CancelReason.values()))
                .containsExactly(
                        "USER",
                        "IOC_REMAINDER",
                        "FOK_NOT_FILLABLE",
                        "MARKET_NO_LIQUIDITY",
                        "POST_ONLY_WOULD_TRADE",
                        "SELF_TRADE_PREVENTED",
                        "CANCEL_ALL",
                        "HALTED",
                        "PRICE_BAND",
                        "EXPIRED",
                        "OCO");
    }

    @Test
    void codecTablesAreTheEnumsInDeclarationOrder() {
        assertThat(Codec.SIDES).containsExactly(Side.values());
        assertThat(Codec.ORDER_TYPES).containsExactly(OrderType.values());
        assertThat(Codec.TIME_IN_FORCES).containsExactly(TimeInForce.values());
        assertThat(Codec.STP_MODES).containsExactly(StpMode.values());
    }
}
