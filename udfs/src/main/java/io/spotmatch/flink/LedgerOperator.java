package io.spotmatch.flink;

import io.spotmatch.ledger.FundsCommand;
import io.spotmatch.ledger.Leg;
import io.spotmatch.ledger.Movement;
import io.spotmatch.wire.FundsJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger, keyed by account (user id; {@code 0} is the fee account): the books' movements on
 * input 1, funds commands on input 2. Keyed state holds each account's balance per asset and the
 * transaction ids of the funds commands it applied.
 *
 * <p>Every movement is an addition and no output carries anything that depends on the order
 * movements arrive in (ledger rows have no running balance; a balance's version counts movements),
 * so the interleaving of the symbols' streams and the funds topic changes neither the set of ledger
 * rows nor the final balances. No funds command is refused for want of balance: that decision
 * would depend on the interleaving. A balance below zero is applied exactly and shows up in the
 * {@code overdrafts} view and the {@code overdrafts} counter.
 *
 * <p>Outputs: ledger rows (main output, one per movement); per change a balance message for the
 * balances topic, and per funds command its result ({@link #MESSAGES}); and the latest value of
 * every balance that changed, once per checkpoint ({@link #BALANCES}), so the balances table gets
 * one upsert per balance and checkpoint, never two of the same row in one batch.
 */
public final class LedgerOperator extends AbstractStreamOperator<LedgerRow>
        implements TwoInputStreamOperator<Movement, FundsCommand, LedgerRow> {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerOperator.class);

    public static final OutputTag<BalanceRow> BALANCES =
            new OutputTag<>("balances", TypeInformation.of(BalanceRow.class));
    public static final OutputTag<LedgerMessage> MESSAGES =
            new OutputTag<>("balance-messages", TypeInformation.of(LedgerMessage.class));

    /** An account's balances by asset. Name and serializers are part of the savepoint format. */
    public static MapStateDescriptor<String, Balance> balancesDescriptor() {
        return new MapStateDescriptor<>("balances", StringSerializer.INSTANCE, Balance.Serializer.INSTANCE);
    }

    /**
     * The transaction ids of the funds commands an account applied (value: the command's Kafka
     * timestamp). Kept for ever: a user has few funds transactions next to orders, and forgetting one
     * would let its redelivery apply twice.
     */
    public static MapStateDescriptor<String, Long> transactionsDescriptor() {
        return new MapStateDescriptor<>("funds-transactions", StringSerializer.INSTANCE, LongSerializer.INSTANCE);
    }

    private final Set<String> assets;

    private transient MapState<String, Balance> balances;
    private transient MapState<String, Long> transactions;
    /**
     * Balances changed since the last checkpoint, latest value; insertion order (never hash order)
     * reaches the sink.
     */
    private transient Map<String, BalanceRow> changed;

    private transient Counter movements;
    private transient Counter fundsApplied;
    private transient Counter fundsDuplicates;
    private transient Counter fundsRejected;
    /** Overdrafts logged per subtask; the metric counts them all. */
    static final long LOGGED_OVERDRAFTS = 10;

    private transient Counter overdrafts;

    /** @param assets the assets funds commands may move; empty: any well-formed asset name */
    public LedgerOperator(Set<String> assets) {
        this.assets = Set.copyOf(assets);
    }

    @Override
    public void open() throws Exception {
        super.open();
        balances = getPartitionedState(balancesDescriptor());
        transactions = getPartitionedState(transactionsDescriptor());
        changed = new LinkedHashMap<>();
        movements = getMetricGroup().counter("movements");
        fundsApplied = getMetricGroup().counter("fundsApplied");
        fundsDuplicates = getMetricGroup().counter("fundsDuplicates");
        fundsRejected = getMetricGroup().counter("fundsRejected");
        overdrafts = getMetricGroup().counter("overdrafts");
    }

    @Override
    public void processElement1(StreamRecord<Movement> record) throws Exception {
        Movement m = record.getValue();
        apply(
                m.account(),
                m.asset(),
                BigDecimal.valueOf(m.available(), m.scale()),
                BigDecimal.valueOf(m.held(), m.scale()),
                m.leg(),
                m.symbol(),
                m.seq(),
                m.orderId(),
                "",
                record.getTimestamp());
    }

    @Override
    public void processElement2(StreamRecord<FundsCommand> record) throws Exception {
        FundsCommand c = record.getValue();
        FundsCommand.RejectReason reason = null;
        int sign = c.amount().signum();
        if (c.type() == FundsCommand.Type.ADJUST ? sign == 0 : sign <= 0) {
            reason = FundsCommand.RejectReason.INVALID_AMOUNT;
        } else if (!assets.isEmpty() && !assets.contains(c.asset())) {
            reason = FundsCommand.RejectReason.UNKNOWN_ASSET;
        }
        if (reason != null) {
            // A rejected command does not use up its txId: the corrected command may carry it.
            fundsRejected.inc();
            LOG.info("Funds command {} of user {} rejected: {}", c.txId(), c.userId(), reason);
            message(c.userId(), FundsJson.result(c, "REJECTED", reason), record.getTimestamp());
            return;
        }
        if (transactions.contains(c.txId())) {
            fundsDuplicates.inc();
            LOG.info(
                    "Funds command {} of user {} was applied already; this copy changes nothing", c.txId(), c.userId());
            message(c.userId(), FundsJson.result(c, "DUPLICATE", null), record.getTimestamp());
            return;
        }
        transactions.put(c.txId(), record.getTimestamp());
        fundsApplied.inc();
        Leg leg = switch (c.type()) {
            case DEPOSIT -> Leg.DEPOSIT;
            case WITHDRAW -> Leg.WITHDRAW;
            case ADJUST -> Leg.ADJUST;
        };
        message(c.userId(), FundsJson.result(c, "APPLIED", null), record.getTimestamp());
        apply(c.userId(), c.asset(), c.delta(), BigDecimal.ZERO, leg, "", 0, 0, c.txId(), record.getTimestamp());
    }

    private void apply(
            long account,
            String asset,
            BigDecimal available,
            BigDecimal held,
            Leg leg,
            String symbol,
            long seq,
            long orderId,
            String txId,
            long time)
            throws Exception {
        movements.inc();
        Balance before = balances.get(asset);
        if (before == null) {
            before = Balance.ZERO;
        }
        Balance after = before.plus(available, held);
        balances.put(asset, after);
        if (after.available().signum() < 0 && before.available().signum() >= 0
                || after.held().signum() < 0 && before.held().signum() >= 0) {
            overdrafts.inc();
            // A deposit still on its way makes a balance dip below zero for a moment (the streams are
            // not ordered against each other), so the log names the first few and the counter the rest.
            if (overdrafts.getCount() <= LOGGED_OVERDRAFTS) {
                LOG.warn(
                        "Account {} {} is below zero: available {}, held {} (after {}){}",
                        account,
                        asset,
                        after.available().toPlainString(),
                        after.held().toPlainString(),
                        txId.isEmpty() ? symbol + " seq " + seq : "funds " + txId,
                        overdrafts.getCount() == LOGGED_OVERDRAFTS
                                ? "; from now on only the overdrafts metric counts them"
                                : "");
            }
        }
        output.collect(new StreamRecord<>(
                new LedgerRow(account, asset, available, held, leg, symbol, seq, orderId, txId, time), time));
        message(
                account,
                FundsJson.balance(
                        account,
                        asset,
                        after.available(),
                        after.held(),
                        after.version(),
                        symbol,
                        seq,
                        txId.isEmpty() ? null : txId),
                time);
        changed.put(
                account + "/" + asset,
                new BalanceRow(account, asset, after.available(), after.held(), after.version()));
    }

    private void message(long account, byte[] value, long time) {
        output.collect(
                MESSAGES,
                new StreamRecord<>(
                        new LedgerMessage(Long.toString(account).getBytes(StandardCharsets.UTF_8), value), time));
    }

    /** Before every checkpoint's barrier: the latest value of each balance that changed, once. */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        emitChanged();
    }

    @Override
    public void finish() throws Exception {
        emitChanged();
        super.finish();
    }

    private void emitChanged() {
        for (BalanceRow row : changed.values()) {
            output.collect(BALANCES, new StreamRecord<>(row));
        }
        changed.clear();
    }
}
