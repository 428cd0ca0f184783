package io.spotmatch.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.ledger.FundsCommand;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The funds topic's records: commands exactly as written, or poison with its code. */
class FundsJsonTest {

    private static FundsCommand parse(String key, String json) throws PoisonException {
        return FundsJson.parse(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8),
                16384);
    }

    @Test
    void readsEachTypeExactly() throws Exception {
        assertThat(
                        parse(
                                "7",
                                "{\"type\":\"DEPOSIT\",\"txId\":\"dep-1\",\"userId\":7,\"asset\":\"USDT\",\"amount\":\"1000.50\"}"))
                .isEqualTo(new FundsCommand(FundsCommand.Type.DEPOSIT, "dep-1", 7, "USDT", new BigDecimal("1000.50")));
        assertThat(
                        parse(
                                "7",
                                "{\"type\":\"WITHDRAW\",\"txId\":\"w:2/a\",\"userId\":7,\"asset\":\"BTC\",\"amount\":0.00000001}"))
                .isEqualTo(
                        new FundsCommand(FundsCommand.Type.WITHDRAW, "w:2/a", 7, "BTC", new BigDecimal("0.00000001")));
        assertThat(parse(
                                "9",
                                "{\"type\":\"ADJUST\",\"txId\":\"fix-3\",\"userId\":9,\"asset\":\"BTC\",\"amount\":\"-2\",\"note\":{}}")
                        .delta())
                .isEqualTo(new BigDecimal("-2"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "7    | not json                                                                                  | INVALID_JSON",
                "7    | [1]                                                                                       | NOT_AN_OBJECT",
                "7    | {\"type\":\"TRANSFER\",\"txId\":\"a\",\"userId\":7,\"asset\":\"USDT\",\"amount\":\"1\"}  | UNKNOWN_TYPE",
                "7    | {\"txId\":\"a\",\"userId\":7,\"asset\":\"USDT\",\"amount\":\"1\"}                      | UNKNOWN_TYPE",
                "7    | {\"type\":\"DEPOSIT\",\"userId\":7,\"asset\":\"USDT\",\"amount\":\"1\"}                | MISSING_FIELD",
                "7    | {\"type\":\"DEPOSIT\",\"txId\":\"a\",\"userId\":7,\"asset\":\"USDT\"}                  | MISSING_FIELD",
                "7    | {\"type\":\"DEPOSIT\",\"txId\":\"a b\",\"userId\":7,\"asset\":\"USDT\",\"amount\":\"1\"} | INVALID_FIELD",
                "7    | {\"type\":\"DEPOSIT\",\"txId\":\"a\",\"userId\":0,\"asset\":\"USDT\",\"amount\":\"1\"}  | INVALID_FIELD",
                "7    | {\"type\":\"DEPOSIT\",\"txId\":\"a\",\"userId\":7,\"asset\":\"US$\",\"amount\":\"1\"}   | INVALID_FIELD",
                "7    | {\"type\":\"DEPOSIT\",\"txId\":\"a\",\"userId\":7,\"asset\":\"USDT\",\"amount\":\"1e3\"} | INVALID_DECIMAL",
                "7    | {\"type\":\"DEPOSIT\",\"txId\":\"a\",\"userId\":7,\"asset\":\"USDT\",\"amount\":\"1\",\"amount\":\"2\"} | INVALID_JSON",
                "8    | {\"type\":\"DEPOSIT\",\"txId\":\"a\",\"userId\":7,\"asset\":\"USDT\",\"amount\":\"1\"}  | KEY_USER_MISMATCH",
            })
    void poisonHasItsCode(String key, String json, PoisonCode code) {
        assertThatThrownBy(() -> parse(key, json))
                .isInstanceOf(PoisonException.class)
                .satisfies(e -> assertThat(((PoisonException) e).code()).isEqualTo(code));
    }

    @Test
    void aRecordWithoutKeyIsPoison() {
        assertThatThrownBy(() -> parse(
                        null, "{\"type\":\"DEPOSIT\",\"txId\":\"a\",\"userId\":7,\"asset\":\"USDT\",\"amount\":\"1\"}"))
                .satisfies(e -> assertThat(((PoisonException) e).code()).isEqualTo(PoisonCode.KEY_USER_MISMATCH));
    }
}
