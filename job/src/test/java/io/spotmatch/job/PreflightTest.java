package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class PreflightTest {

    private static SpotMatchOptions options(String... args) {
        return SpotMatchOptions.fromArgs(args, Map.of());
    }

    private static Configuration conf(String... kv) {
        Configuration c = new Configuration();
        for (int i = 0; i < kv.length; i += 2) {
            c.setString(kv[i], kv[i + 1]);
        }
        return c;
    }

    @Test
    void longestRestartDelayIsThatOfTheStrategyTheJobRunsWith() {
        assertThat(Preflight.longestRestartDelay(conf()))
                .isEqualTo(Duration.ofMinutes(1)); // Flink's exponential-delay default
        assertThat(Preflight.longestRestartDelay(conf(
                        "restart-strategy.type",
                        "exponential-delay",
                        "restart-strategy.exponential-delay.max-backoff",
                        "2 min")))
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(Preflight.longestRestartDelay(
                        conf("restart-strategy.type", "fixed-delay", "restart-strategy.fixed-delay.delay", "7 s")))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(Preflight.longestRestartDelay(conf("restart-strategy.type", "none")))
                .isZero();
    }

    @Test
    void aTransactionMustOutlastACheckpointIntervalAndARestart() {
        SpotMatchOptions eo = options(
                "--kafka.events-delivery",
                "EXACTLY_ONCE",
                "--kafka.transaction-timeout",
                "60 s",
                "--job.checkpoint-interval",
                "10 s");
        Preflight.requireTransactionsOutlastRestart(
                eo, conf("restart-strategy.type", "fixed-delay", "restart-strategy.fixed-delay.delay", "5 s"));
        assertThatThrownBy(() -> Preflight.requireTransactionsOutlastRestart(eo, conf()))
                .isInstanceOf(CommandLine.InvalidOptionException.class)
                .hasMessage("--kafka.transaction-timeout (PT1M) must outlast a checkpoint interval (PT10S) plus the"
                        + " longest restart delay of the restart strategy (PT1M)");
        // At least once: no transactions to outlast anything.
        Preflight.requireTransactionsOutlastRestart(options("--kafka.transaction-timeout", "60 s"), conf());
        // The shipped defaults with the shipped restart strategy start.
        Preflight.requireTransactionsOutlastRestart(
                options("--kafka.events-delivery", "EXACTLY_ONCE", "--kafka.dead-letter-delivery", "EXACTLY_ONCE"),
                conf(
                        "restart-strategy.type",
                        "exponential-delay",
                        "restart-strategy.exponential-delay.max-backoff",
                        "1 min"));
    }

    @Test
    void transactionalIdsDifferBetweenJobsUnlessGiven() {
        assertThat(options().transactionalIdPrefix()).isEqualTo("spotmatch.order-events");
        assertThat(options("--kafka.group-id", "backfill-2026-01", "--kafka.events-topic", "order-events-backfill")
                        .transactionalIdPrefix())
                .isEqualTo("backfill-2026-01.order-events-backfill");
        assertThat(options("--kafka.transactional-id-prefix", "live").transactionalIdPrefix())
                .isEqualTo("live");
    }
}
