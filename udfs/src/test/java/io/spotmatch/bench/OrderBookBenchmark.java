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
import io.spotmatch.wire.CommandJson;
import io.spotmatch.wire.PoisonException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * Reads the flow from a child JVM ({@link FlowWriter}): generating it here would run the book
     * with the flow's own sink first, and the JIT would compile the measured code for two sinks
     * (and for whatever the generation's profile favoured) instead of the one it is measured with.
     */
    @Setup(Level.Trial)
    public void generate() throws IOException, InterruptedException, PoisonException {
        Path file = Files.createTempFile("order-flow-" + workload, ".jsonl");
        try {
            Process writer = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            FlowWriter.class.getName(),
                            workload,
                            file.toString())
                    .inheritIO()
                    .start();
            if (writer.waitFor() != 0) {
                throw new IllegalStateException("the flow writer failed with exit code " + writer.exitValue());
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            int prefixLength = lines.size() - MEASURED;
            prefix = new Command[prefixLength + 1];
            prefix[0] = OrderFlow.listing();
            measured = new Command[MEASURED];
            for (int i = 0; i < lines.size(); i++) {
                Command c = CommandJson.parse(SYMBOL_KEY, lines.get(i).getBytes(StandardCharsets.UTF_8), 1 << 16)
                        .command();
                if (i < prefixLength) {
                    prefix[i + 1] = c;
                } else {
                    measured[i - prefixLength] = c;
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static final byte[] SYMBOL_KEY = FlowWriter.SYMBOL.getBytes(StandardCharsets.UTF_8);

    /** Writes a workload's flow, prefix then measured commands, one orders-topic JSON record per line. */
    public static final class FlowWriter {
        static final String SYMBOL = "BTC-USDT";

        public static void main(String[] args) throws IOException {
            String workload = args[0];
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
            int restingAtStart = 0;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of(args[1])), 1 << 16)) {
                for (int i = 0; i < prefixLength + MEASURED; i++) {
                    if (i == prefixLength) {
                        restingAtStart = flow.liveOrders();
                    }
                    out.write(CommandJson.write(SYMBOL, flow.next()));
                    out.write('\n');
                }
            }
            System.out.printf("%n%s: %d resting orders at the start of the measured run%n", workload, restingAtStart);
        }
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
