package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.job.CommandLine.InvalidOptionException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The settlement options: on by default, off with an empty funds topic, checked at startup. */
class SettlementOptionsTest {

    private static SpotMatchOptions parse(String... args) {
        return SpotMatchOptions.fromArgs(args, Map.of());
    }

    @Test
    void settlementIsOnByDefaultAndOffWithAnEmptyFundsTopic() {
        assertThat(parse().fundsTopic()).isEqualTo("funds");
        assertThat(parse().balancesTopic()).isEqualTo("balances");
        assertThat(parse().fundsAssets()).isEmpty();
        assertThat(parse("--kafka.funds-topic", "").fundsTopic()).isNull();
        assertThat(parse("--funds.assets", "USDT, BTC,,ETH").fundsAssets()).isEqualTo(Set.of("BTC", "ETH", "USDT"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--kafka.funds-topic    | orders     | --kafka.funds-topic must differ from the orders, events, dead-letter and admin topics",
                "--kafka.funds-topic    | a b        | --kafka.funds-topic is not a valid Kafka topic name",
                "--kafka.balances-topic | order-events | --kafka.balances-topic must differ from the orders, events, dead-letter and admin topics",
                "--kafka.balances-topic | funds      | --kafka.balances-topic must differ from kafka.funds-topic",
                "--funds.assets         | USDT,U$D   | --funds.assets 'U$D' is not an asset name",
            })
    void invalidSettlementOptionsFailNamingTheOption(String option, String value, String message) {
        assertThatThrownBy(() -> parse(option, value))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining(message);
    }
}
