package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.flink.SymbolCommand;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The savepoint upgrade of settlement: the v2 fixture, taken before settlement existed, restores
 * into the current job with settlement on. Its resting orders are held at each symbol's first
 * command after the restore ({@code MIGRATION_HOLD}, exact rows), so trading against them, amending
 * and cancelling them, and wiping the books leave, in PostgreSQL, no overdraft, every asset
 * conserved and nothing held.
 */
class SavepointMigrationITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    /** The orders topic the v2 fixture's source state names (it was a test topic of its generator). */
    static final String V2_ORDERS_TOPIC = "orders-18a4f424";

    static final String MIGRATION_HOLDS = "SELECT symbol, seq, account, asset, order_id, available, held,"
            + " (EXTRACT(EPOCH FROM moved_at) * 1000)::bigint FROM ledger WHERE leg = 'MIGRATION_HOLD'"
            + " ORDER BY symbol, seq, order_id";

    static final long AFTER = SavepointFixture.T0 + 100_000;

    static Pipeline input;
    static String fundsTopic;
    static Pipeline reference;
    static String referenceEnd;

    static String restoreV2(Pipeline p, Map<String, String> flinkConf, UnaryOperator<DataStream<SymbolCommand>> before)
            throws Exception {
        SERVERS.kafka().createTopic("balances-" + p.id, 2);
        Map<String, String> conf = new HashMap<>(flinkConf);
        conf.put(
                "execution.state-recovery.path",
                SavepointMigrationITCase.class
                        .getResource("/savepoints/v2")
                        .toURI()
                        .toString());
        return SavepointFixture.run(
                p,
                Map.of("kafka.funds-topic", fundsTopic, "kafka.balances-topic", "balances-" + p.id),
                conf,
                SavepointFixture.USERS.length * SavepointFixture.ASSETS.length,
                before);
    }

    @BeforeAll
    static void restoreWithSettlementOn() throws Exception {
        input = Pipeline.onOrdersTopic(SERVERS, V2_ORDERS_TOPIC, 2);
        // The fixture's own records first, as in a real upgrade: the restored source resumes after them.
        input.produce(SavepointFixture.scenario(input));
        input.produce(SavepointFixture.afterRestore(input, AFTER));
        fundsTopic = "funds-" + input.id;
        SERVERS.kafka().createTopic(fundsTopic, 2);
        input.produce(SavepointFixture.deposits(fundsTopic, "dep", "100000", SavepointFixture.T0));
        reference = new Pipeline(input);
        referenceEnd = restoreV2(reference, Map.of(), s -> s);
    }

    @Test
    void theV2SavepointRestoresWithSettlementOnAndItsRestingOrdersAreHeldExactly() throws Exception {
        Pipeline p = reference;
        String end = referenceEnd;
        long after = AFTER;

        // One hold per resting order of the fixture, by the rule of a new order (maker 0.1 %, taker 0.2 %
        // on BTC, 0.05 % / 0.1 % on ETH: a buy holds its notional plus 0.2 % / 0.1 %), at the symbol's
        // first command after the restore, caused by the seq the book was restored at (13 and 5).
        long btc = after;
        long eth = after + 6_000;
        assertThat(p.query(MIGRATION_HOLDS))
                .containsExactly(
                        "BTC-USDT|13|7|BTC|1|-0.300|0.300|" + btc, // 0.500 sold 0.200 before
                        "BTC-USDT|13|8|BTC|2|-0.300|0.300|" + btc,
                        "BTC-USDT|13|7|BTC|3|-1.000|1.000|" + btc,
                        "BTC-USDT|13|9|USDT|4|-48843.74250|48843.74250|" + btc, // 0.750 x 64995.00 + 97.49250
                        "BTC-USDT|13|10|USDT|5|-97680.12030|97680.12030|" + btc, // 1.500 x 64990.10 + 194.97030
                        "BTC-USDT|13|12|USDT|7|-6512.00802|6512.00802|" + btc, // 0.100 x 64990.10 + 12.99802
                        // 1.1000 left of 1.5000 at 3500.00: 3850.000000, plus 3.850000 (it paid 0.700000 as maker)
                        "ETH-USDT|5|21|USDT|1|-3853.850000|3853.850000|" + eth);

        assertThat(p.query("SELECT count(*) FROM overdrafts")).containsExactly("0");
        List<String> sums = new ArrayList<>();
        for (String row : p.query("SELECT asset, SUM(available + held) FROM balances GROUP BY asset ORDER BY asset")) {
            String[] f = row.split("\\|");
            sums.add(f[0] + "|" + new BigDecimal(f[1]).stripTrailingZeros().toPlainString());
        }
        assertThat(sums)
                .as("deposits only: 10 users x 100000 of each asset")
                .containsExactly("BTC|1000000", "ETH|1000000", "USDT|1000000");
        assertThat(p.query("SELECT count(*) FROM (SELECT account, asset, SUM(available) a, SUM(held) h"
                        + " FROM ledger GROUP BY account, asset) l FULL JOIN balances b USING (account, asset)"
                        + " WHERE l.a IS DISTINCT FROM b.available OR l.h IS DISTINCT FROM b.held"))
                .as("every balance is the sum of its ledger rows")
                .containsExactly("0");
        assertThat(p.query("SELECT count(*) FROM (SELECT symbol, seq, asset FROM ledger WHERE tx_id = ''"
                        + " GROUP BY symbol, seq, asset HAVING SUM(available + held) <> 0) x"))
                .as("every event moves funds between accounts only")
                .containsExactly("0");
        assertThat(p.query("SELECT count(*), COALESCE(SUM(held), 0) FROM balances WHERE held <> 0"))
                .as("nothing held once the books are wiped")
                .containsExactly("0|0");
        assertThat(p.query("SELECT count(*) FROM trades")).containsExactly("6");
        assertThat(p.query("SELECT (SELECT SUM(available) FROM balances WHERE account = 0)"
                        + " = (SELECT SUM(taker_fee + maker_fee) FROM trades)"))
                .as("fee account")
                .containsExactly("t");
        assertThat(Pipeline.books(end).stream()
                        .filter(b -> !b.contains("\"status\":\"UNLISTED\""))
                        .toList())
                .hasSize(2)
                .as("held from now on, wiped")
                .allSatisfy(b -> assertThat(b).contains("\"openOrders\":0,", "\"ordersHeld\":true"));
    }

    @Test
    void aRestoreThatFailsOnTheWayWritesTheSameLedgerAndBalances(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Pipeline failing = new Pipeline(input);
        restoreV2(
                failing,
                Map.of(
                        "restart-strategy.type", "fixed-delay",
                        "restart-strategy.fixed-delay.attempts", "5",
                        "restart-strategy.fixed-delay.delay", "200 ms"),
                s -> s.map(AttemptFailure.after(2), SymbolCommand.TYPE)
                        .uid("failure-injector")
                        .name("Failure injector"));
        assertThat(Pipeline.restarts(cluster, SavepointFixture.lastJob))
                .as("failure injected")
                .isEqualTo(1);
        assertThat(failing.query(SettlementITCase.LEDGER))
                .containsExactlyElementsOf(reference.query(SettlementITCase.LEDGER));
        assertThat(failing.query(SettlementITCase.BALANCES))
                .containsExactlyElementsOf(reference.query(SettlementITCase.BALANCES));
    }
}
