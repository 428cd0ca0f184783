package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.flink.DeadLetterSerializationSchema;
import io.spotmatch.flink.SymbolCommand;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deposits for 1,000 users and 20,000 orders over 4 symbols through the real job, real Kafka and
 * real PostgreSQL, every symbol's book wiped at the end: in PostgreSQL, per asset, the balances add
 * up to deposits less withdrawals; every account's ledger rows add up to its balance; every event's
 * rows add up to zero per asset; fees are the trades' fees; nothing is held once every order is
 * closed. A second run over the same topics that fails on the way writes the same ledger and
 * balances, row for row, as do a rescale through a savepoint (2 to 3) and a backfill into the same
 * tables.
 */
class SettlementITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static final int ORDERS = 20_000;
    static final int SYMBOLS = 4;
    static final String[] BASES = {"BTC", "ETH", "SOL", "XRP"};

    /** Fails its subtask once, on the first attempt, after {@code failAt} commands. */
    static final class FailOnce extends RichMapFunction<SymbolCommand, SymbolCommand> {
        private final long failAt;
        private long seen;

        FailOnce(long failAt) {
            this.failAt = failAt;
        }

        @Override
        public SymbolCommand map(SymbolCommand c) {
            if (++seen == failAt && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0) {
                throw new IllegalStateException("injected failure after " + failAt + " commands");
            }
            return c;
        }
    }

    private static ProducerRecord<byte[], byte[]> funds(String topic, String key, String json, long time) {
        return new ProducerRecord<>(
                topic,
                null,
                time,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }

    private static String deposit(String type, String txId, long user, String asset, String amount) {
        return "{\"type\":\"" + type + "\",\"txId\":\"" + txId + "\",\"userId\":" + user + ",\"asset\":\"" + asset
                + "\",\"amount\":\"" + amount + "\"}";
    }

    static final String LEDGER = "SELECT symbol, seq, tx_id, account, asset, order_id, available, held, leg,"
            + " (EXTRACT(EPOCH FROM moved_at) * 1000)::bigint FROM ledger ORDER BY symbol, seq, tx_id, account, asset, order_id";
    static final String BALANCES =
            "SELECT account, asset, available, held, version FROM balances ORDER BY account, asset";

    static String id;
    static String fundsTopic;
    static Pipeline reference;
    static List<String> expectedLedger;
    static List<String> expectedBalances;

    static Map<String, String> settlement(String balancesTopic) {
        SERVERS.kafka().createTopic(balancesTopic, 2);
        return Map.of("kafka.funds-topic", fundsTopic, "kafka.balances-topic", balancesTopic);
    }

    @BeforeAll
    static void referenceRun() throws Exception {
        id = UUID.randomUUID().toString().substring(0, 8);
        fundsTopic = "funds-" + id;
        SERVERS.kafka().createTopic(fundsTopic, 2);
        reference = new Pipeline(SERVERS, 2);
        long t = JobEndToEndITCase.T0 - 100_000;
        List<ProducerRecord<byte[], byte[]>> funds = new ArrayList<>();
        for (long user = 1; user <= 1000; user++) {
            funds.add(funds(
                    fundsTopic, Long.toString(user), deposit("DEPOSIT", "usdt-" + user, user, "USDT", "1000000"), t++));
            for (String base : BASES) {
                funds.add(funds(
                        fundsTopic,
                        Long.toString(user),
                        deposit("DEPOSIT", base + "-" + user, user, base, "1000"),
                        t++));
            }
        }
        funds.add(funds(fundsTopic, "1", deposit("DEPOSIT", "bonus", 1, "USDT", "0.00000001"), t++));
        funds.add(funds(fundsTopic, "1", deposit("DEPOSIT", "bonus", 1, "USDT", "0.00000001"), t++)); // a repeat
        funds.add(funds(fundsTopic, "2", deposit("WITHDRAW", "out-1", 2, "USDT", "100.5"), t++));
        funds.add(funds(fundsTopic, "3", deposit("DEPOSIT", "zero", 3, "USDT", "0"), t++)); // rejected
        funds.add(funds(fundsTopic, "4", "{\"type\":\"DEPOSIT\"", t++)); // poison
        funds.add(funds(fundsTopic, "5", deposit("DEPOSIT", "k", 6, "USDT", "1"), t++)); // poison: key is not the user
        reference.produce(funds);

        List<ProducerRecord<byte[], byte[]>> orders = FailureRecoveryITCase.flow(reference, ORDERS, SYMBOLS, 11);
        long end = JobEndToEndITCase.T0 + ORDERS + SYMBOLS;
        for (String base : BASES) {
            orders.add(reference.command(
                    base + "-USDT",
                    Command.symbol(new SymbolUpdate(
                            null, null, null, null, null, null, null, null, null, null, null, null, true)),
                    end++));
        }
        reference.produce(orders);

        reference.runToEnd(settlement("balances-a-" + id));
        expectedLedger = reference.query(LEDGER);
        expectedBalances = reference.query(BALANCES);
    }

    @Test
    void conservesEveryAssetAndSettlesEveryTrade() throws Exception {
        assertThat(expectedLedger).hasSizeGreaterThan(ORDERS);
        assertThat(reference.query("SELECT asset, SUM(available + held) FROM balances GROUP BY asset ORDER BY asset"))
                .extracting(row -> row.substring(0, row.indexOf('|')) + "|"
                        + new BigDecimal(row.substring(row.indexOf('|') + 1))
                                .stripTrailingZeros()
                                .toPlainString())
                .containsExactly("BTC|1000000", "ETH|1000000", "SOL|1000000", "USDT|999999899.50000001", "XRP|1000000");
        assertThat(reference.query("SELECT count(*) FROM trades")).isNotEqualTo(List.of("0"));
        assertThat(reference.query("SELECT count(*) FROM (SELECT account, asset, SUM(available) a, SUM(held) h"
                        + " FROM ledger GROUP BY account, asset) l FULL JOIN balances b USING (account, asset)"
                        + " WHERE l.a IS DISTINCT FROM b.available OR l.h IS DISTINCT FROM b.held"))
                .as("every balance is the sum of its ledger rows")
                .containsExactly("0");
        assertThat(reference.query("SELECT count(*) FROM (SELECT symbol, seq, asset FROM ledger WHERE tx_id = ''"
                        + " GROUP BY symbol, seq, asset HAVING SUM(available + held) <> 0) x"))
                .as("every event moves funds between accounts only")
                .containsExactly("0");
        assertThat(reference.query("SELECT count(*) FROM trades t WHERE NOT EXISTS (SELECT 1 FROM ledger l"
                        + " WHERE l.symbol = t.symbol AND l.seq = t.seq AND l.leg = 'TRADE')"))
                .containsExactly("0");
        assertThat(reference.query("SELECT (SELECT SUM(available) FROM balances WHERE account = 0)"
                        + " = (SELECT SUM(taker_fee + maker_fee) FROM trades)"))
                .as("fee account")
                .containsExactly("t");
        assertThat(reference.query("SELECT count(*), COALESCE(SUM(held), 0) FROM balances WHERE held <> 0"))
                .as("nothing held once every order is closed")
                .containsExactly("0|0");
        assertThat(reference.query("SELECT count(*) FROM ledger WHERE tx_id <> ''"))
                .containsExactly("5002");
        assertThat(reference.query("SELECT count(*) FROM overdrafts"))
                .isEqualTo(reference.query("SELECT count(*) FROM balances WHERE available < 0 OR held < 0"));

        List<String> results = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : reference.readAll("balances-a-" + id, false)) {
            String v = new String(r.value(), StandardCharsets.UTF_8);
            if (v.contains("\"status\":\"DUPLICATE\"") || v.contains("\"status\":\"REJECTED\"")) {
                results.add(new String(r.key(), StandardCharsets.UTF_8) + " " + v);
            }
        }
        assertThat(results)
                .containsExactlyInAnyOrder(
                        "1 {\"type\":\"FUNDS\",\"userId\":1,\"txId\":\"bonus\",\"fundsType\":\"DEPOSIT\",\"asset\":\"USDT\",\"amount\":\"0.00000001\",\"status\":\"DUPLICATE\"}",
                        "3 {\"type\":\"FUNDS\",\"userId\":3,\"txId\":\"zero\",\"fundsType\":\"DEPOSIT\",\"asset\":\"USDT\",\"amount\":\"0\",\"status\":\"REJECTED\",\"reason\":\"INVALID_AMOUNT\"}");
        List<String> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : reference.readAll(reference.deadLetterTopic, false)) {
            if (fundsTopic.equals(header(r, DeadLetterSerializationSchema.SOURCE_TOPIC))) {
                deadLetters.add(new String(r.key(), StandardCharsets.UTF_8) + " "
                        + header(r, DeadLetterSerializationSchema.ERROR_CODE));
            }
        }
        assertThat(deadLetters).containsExactlyInAnyOrder("4 INVALID_JSON", "5 KEY_USER_MISMATCH");
    }

    @Test
    void aRunWithAFailureWritesTheSameLedgerAndBalances() throws Exception {
        Pipeline failing = new Pipeline(reference);
        failing.start(
                        settlement("balances-b-" + id),
                        Map.of(
                                "restart-strategy.type",
                                "fixed-delay",
                                "restart-strategy.fixed-delay.attempts",
                                "5",
                                "restart-strategy.fixed-delay.delay",
                                "200 ms"),
                        s -> s.map(new FailOnce(6_000), SymbolCommand.TYPE)
                                .uid("failure-injector")
                                .name("Failure injector"))
                .getJobExecutionResult()
                .get();
        assertThat(failing.query(LEDGER)).containsExactlyElementsOf(expectedLedger);
        assertThat(failing.query(BALANCES)).containsExactlyElementsOf(expectedBalances);
    }

    /** Two legs: parallelism 2, stopped with a savepoint mid-stream, then 3 from that savepoint to the end. */
    @Test
    void aRescaleThroughASavepointWritesTheSameLedgerAndBalances() throws Exception {
        Pipeline p = new Pipeline(reference);
        Map<String, String> options = new java.util.HashMap<>(settlement("balances-c-" + id));
        options.put("kafka.bounded", "NONE");
        options.put("job.parallelism", "2");
        JobClient first = p.start(
                options,
                Map.of(),
                // Slow enough that the stop lands well before the end even when the machine is busy.
                s -> s.map(new Throttle(1500), SymbolCommand.TYPE)
                        .uid("throttle")
                        .name("Throttle"));
        p.awaitProgress(first, ORDERS / 4, Duration.ofMinutes(3));
        String savepoint = p.stopWithSavepoint(first);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", SERVERS.kafka().bootstrapServers()))) {
            assertThat(p.lag(admin)).as("the first leg stopped mid-stream").isPositive();
        }
        options.put("job.parallelism", "3");
        JobClient second = p.start(options, Map.of("execution.state-recovery.path", savepoint), s -> s);
        p.awaitCaughtUp(second, Duration.ofMinutes(3));
        p.stopWithSavepoint(second);
        assertThat(p.query(LEDGER)).containsExactlyElementsOf(expectedLedger);
        assertThat(p.query(BALANCES)).containsExactlyElementsOf(expectedBalances);
    }

    @Test
    void aBackfillIntoTheSameTablesChangesNothing() throws Exception {
        reference.runToEnd(Map.of(
                "kafka.funds-topic",
                fundsTopic,
                "kafka.balances-topic",
                "balances-a-" + id,
                "kafka.group-id",
                "backfill-" + id));
        assertThat(reference.query(LEDGER)).containsExactlyElementsOf(expectedLedger);
        assertThat(reference.query(BALANCES)).containsExactlyElementsOf(expectedBalances);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
