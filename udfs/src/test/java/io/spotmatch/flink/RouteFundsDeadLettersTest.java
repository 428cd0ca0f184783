package io.spotmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.ledger.FundsCommand;
import java.math.BigDecimal;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Balances are only right with every deposit: the funds topic has the same history guard as the orders topic. */
class RouteFundsDeadLettersTest {

    static OneInputStreamOperatorTestHarness<FundsInbound, FundsCommand> harness(OperatorSubtaskState restore)
            throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(RouteDeadLetters.funds(false)));
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static void read(OneInputStreamOperatorTestHarness<FundsInbound, FundsCommand> h, int partition, long offset)
            throws Exception {
        FundsCommand deposit = new FundsCommand(
                FundsCommand.Type.DEPOSIT, "tx-" + partition + "-" + offset, 7, "USDT", new BigDecimal("100"));
        h.processElement(new FundsInbound(deposit, null, partition, offset), 0);
    }

    @Test
    void aStartWithoutStateInTheMiddleOfTheFundsTopicFailsWithoutRestarting() throws Exception {
        OperatorSubtaskState state;
        try (var h = harness(null)) {
            read(h, 0, 0);
            assertThatThrownBy(() -> read(h, 1, 40))
                    .isInstanceOf(SuppressRestartsException.class)
                    .cause()
                    .hasMessageStartingWith("The job has no state for funds partition 1 and its first record"
                            + " is at offset 40: restore from a savepoint or checkpoint");
            state = h.snapshot(1, 1);
        }
        try (var h = harness(state)) {
            read(h, 0, 1); // restored: partition 0 goes on where it was
            assertThat(h.extractOutputValues()).extracting(FundsCommand::txId).containsExactly("tx-0-1");
        }
    }
}
