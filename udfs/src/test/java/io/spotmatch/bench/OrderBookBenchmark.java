package io.spotmatch.bench;

import io.spotmatch.book.CancelReason;
import io.spotmatch.book.Command;
import io.spotmatch.book.EventSink;
import io.spotmatch.book.HeapOrderBook;
import io.spotmatch.book.Order;
import io.spotmatch.book.OrderBook;
import io.spotmatch.book.RejectReason;
import io.spotmatch.book.SymbolSpec;
import io.spotmatch.load.OrderFlow;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Commands per second of one symbol's {@link HeapOrderBook}, one thread, with every event written
 * out. Each invocation starts from a book brought to steady state by replaying a prefix of the
 * flow (not measured), then processes {@value #MEASURED} commands of the same flow.
 *
 * <ul>
 *   <li>{@code steady}: ~1,000 resting orders over ~750 levels; ~50% GTC limits near a random-walking
 *       mid, ~8% IOC/market, ~40% cancels of live orders, ~2% amends (see {@link OrderFlow});
 *   <li>{@code medium}: the same mix around ~10,000 resting orders;
 *   <li>{@code deep}: the same mix around ~100,000 resting orders over ~10,000 levels;
 *   <li>{@code deep-recent}: the deep book, with cancels and amends aimed nine times in ten at the
 *       1,024 orders placed last (as real cancel flow is) instead of any of the 100,000.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 3,
        jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class OrderBookBenchmark {

    static final int MEASURED = 1_000_000;

    @Param({"steady", "medium", "deep", "deep-recent"})
    public String workload;

    private Command[] prefix;
    private Command[] measured;
    private OrderBook book;
    private final BufferSink sink = new BufferSink();

    @Setup(Level.Trial)
    public void generate() {
        OrderFlow.Shape shape = switch (workload) {
            case "deep" -> OrderFlow.Shape.deep();
            case "deep-recent" -> OrderFlow.Shape.deepRecent();
            case "medium" -> OrderFlow.Shape.medium();
            default -> OrderFlow.Shape.steady();
        };
        OrderFlow flow = new OrderFlow(42, shape);
        int prefixLength = switch (workload) {
            case "deep", "deep-recent" -> 1_500_000;
            case "medium" -> 400_000;
            default -> 200_000;
        };
        prefix = new Command[prefixLength + 1];
        prefix[0] = OrderFlow.listing();
        for (int i = 1; i < prefix.length; i++) {
            prefix[i] = flow.next();
        }
        int restingAtStart = flow.liveOrders();
        measured = new Command[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            measured[i] = flow.next();
        }
        System.out.printf(
                "%n%s: %d resting orders over %d levels at the start of the measured run%n",
                workload,
                restingAtStart,
                flow.shadowBook()
                                .depth(io.spotmatch.book.Side.BUY, Integer.MAX_VALUE)
                                .size()
                        + flow.shadowBook()
                                .depth(io.spotmatch.book.Side.SELL, Integer.MAX_VALUE)
                                .size());
    }

    @Setup(Level.Invocation)
    public void freshBook() {
        book = new HeapOrderBook();
        for (Command c : prefix) {
            book.process(c, sink);
        }
    }

    @Benchmark
    @OperationsPerInvocation(MEASURED)
    public void process(Blackhole bh) {
        OrderBook b = book;
        BufferSink s = sink;
        for (Command c : measured) {
            b.process(c, s);
        }
        bh.consume(s.cursor);
        bh.consume(b.seq());
    }

    /** Writes every field of every event into a reusable ring, as an output stage would. */
    static final class BufferSink implements EventSink {
        private static final int MASK = (1 << 16) - 1;
        final long[] ring = new long[MASK + 1];
        int cursor;

        private void put(long v) {
            ring[cursor++ & MASK] = v;
        }

        @Override
        public void accepted(long seq, Order o) {
            put(seq);
            put(o.orderId());
            put(o.userId());
            put(o.price());
            put(o.quantity());
        }

        @Override
        public void trade(
                long seq,
                long tradeId,
                Order taker,
                Order maker,
                long price,
                long quantity,
                long quoteQuantity,
                long takerFee,
                long makerFee) {
            put(seq);
            put(tradeId);
            put(taker.orderId());
            put(maker.orderId());
            put(taker.userId());
            put(maker.userId());
            put(price);
            put(quantity);
            put(quoteQuantity);
            put(takerFee);
            put(makerFee);
            put(taker.side().ordinal());
            put(taker.remaining());
            put(maker.remaining());
        }

        @Override
        public void cancelled(long seq, Order o, CancelReason reason) {
            put(seq);
            put(o.orderId());
            put(reason.ordinal());
            put(o.remaining());
        }

        @Override
        public void cancelledAll(long seq, long userId, int count) {
            put(seq);
            put(userId);
            put(count);
        }

        @Override
        public void amended(long seq, Order o, long previousPrice, long previousQuantity, boolean priorityKept) {
            put(seq);
            put(o.orderId());
            put(o.price());
            put(o.quantity());
            put(priorityKept ? 1 : 0);
        }

        @Override
        public void decremented(long seq, Order o, long previousQuantity, long previousQuoteQuantity) {
            put(seq);
            put(o.orderId());
            put(o.quantity());
            put(o.quoteQuantity());
        }

        @Override
        public void triggered(long seq, Order o) {
            put(seq);
            put(o.orderId());
        }

        @Override
        public void rejected(long seq, Command command, RejectReason reason) {
            put(seq);
            put(command.orderId());
            put(reason.ordinal());
        }

        @Override
        public void symbolUpdated(long seq, SymbolSpec spec) {
            put(seq);
        }
    }
}
