package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.job.CommandLine.InvalidOptionException;
import io.spotmatch.marketdata.MarketData.Kind;
import io.spotmatch.marketdata.MarketDataOptions;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The market-data options: every stream on by default, each one switchable, checked at startup. */
class MarketDataOptionsTest {

    private static SpotMatchOptions parse(String... args) {
        return SpotMatchOptions.fromArgs(args, Map.of());
    }

    @Test
    void everyStreamIsOnByDefaultAndEachCanBeSwitchedOff() {
        assertThat(parse().marketData()).isEqualTo(MarketDataOptions.defaults());
        assertThat(parse().marketDataTopicPrefix()).isEqualTo("market.");
        assertThat(parse("--market-data.streams", "").marketData().any()).isFalse();
        MarketDataOptions o = parse(
                        "--market-data.streams",
                        "DEPTH, SNAPSHOT",
                        "--market-data.snapshot-every",
                        "50",
                        "--market-data.snapshot-levels",
                        "20",
                        "--market-data.candle-intervals",
                        "1d,1m,15m,1m,30s")
                .marketData();
        assertThat(o).isEqualTo(new MarketDataOptions(EnumSet.of(Kind.DEPTH, Kind.SNAPSHOT), 50, 20, new long[] {
            30_000, 60_000, 900_000, 86_400_000
        }));
        assertThat(o.on(Kind.TRADE)).isFalse();
        assertThat(o.candles()).isFalse();
        assertThat(Kind.SNAPSHOT.topic("market.")).isEqualTo("market.depth-snapshots");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--market-data.streams          | DEPTH,TICKER | --market-data.streams 'TICKER' is not one of DEPTH, SNAPSHOT, BBO, TRADE, CANDLE",
                "--market-data.topic-prefix     | a b          | --market-data.topic-prefix is not a valid Kafka topic prefix",
                "--market-data.snapshot-every   | 0            | --market-data.snapshot-every must be positive",
                "--market-data.snapshot-levels  | -1           | --market-data.snapshot-levels must not be negative",
                "--market-data.candle-intervals | 7m           | --market-data.candle-intervals '7m' does not divide a day",
                "--market-data.candle-intervals | 1w           | --market-data.candle-intervals '1w' is not an interval such as 1m, 4h or 1d",
            })
    void invalidMarketDataOptionsFailNamingTheOption(String option, String value, String message) {
        assertThatThrownBy(() -> parse(option, value))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining(message);
    }
}
