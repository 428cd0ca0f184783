package io.spotmatch.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.CommandType;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.TimeInForce;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderFlowTest {

    @Test
    void steadyFlowHasTheAdvertisedShape() {
        OrderFlow flow = new OrderFlow(1, OrderFlow.Shape.steady());
        for (int i = 0; i < 100_000; i++) {
            flow.next(); // reach steady state
        }
        int n = 200_000;
        int gtc = 0;
        int marketable = 0;
        int cancels = 0;
        int amends = 0;
        long levelSum = 0;
        long restingSum = 0;
        for (int i = 0; i < n; i++) {
            Command c = flow.next();
            if (c.type() == CommandType.CANCEL) {
                cancels++;
            } else if (c.type() == CommandType.AMEND) {
                amends++;
            } else if (c.orderType() == OrderType.MARKET || c.timeInForce() == TimeInForce.IOC) {
                marketable++;
            } else {
                gtc++;
            }
            if (i % 1000 == 0) {
                flow.shadowBook().validate();
                restingSum += flow.shadowBook().openOrderCount();
                levelSum += flow.shadowBook().depth(Side.BUY, Integer.MAX_VALUE).size()
                        + flow.shadowBook().depth(Side.SELL, Integer.MAX_VALUE).size();
            }
        }
        System.out.printf(
                "steady flow: GTC %d, IOC/market %d, cancels %d, amends %d; mean %d resting over %d levels%n",
                gtc, marketable, cancels, amends, restingSum / (n / 1000), levelSum / (n / 1000));
        assertThat(gtc * 100 / n).isBetween(45, 53);
        assertThat(marketable * 100 / n).isBetween(7, 9);
        assertThat(cancels * 100 / n).isBetween(37, 45);
        assertThat(amends * 100 / n).isBetween(1, 3);
        assertThat(restingSum / (n / 1000)).isBetween(850L, 1150L);
        assertThat(levelSum / (n / 1000)).isBetween(600L, 900L);
    }

    @Test
    void sameSeedSameFlow() {
        List<Command> a = new ArrayList<>();
        List<Command> b = new ArrayList<>();
        OrderFlow fa = new OrderFlow(9, OrderFlow.Shape.steady());
        OrderFlow fb = new OrderFlow(9, OrderFlow.Shape.steady());
        for (int i = 0; i < 20_000; i++) {
            a.add(fa.next());
            b.add(fb.next());
        }
        assertThat(a).isEqualTo(b);
        assertThat(fa.shadowBook().stateHash()).isEqualTo(fb.shadowBook().stateHash());
    }
}
