package io.spotmatch.job.local;

import io.spotmatch.book.CancelReason;
import io.spotmatch.book.OrderStatus;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.flink.OrderRow;
import io.spotmatch.flink.OrderRowWriter;
import io.spotmatch.job.Schema;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The {@code orders} table's write alternatives side by side: the same order rows in the same
 * batches, written by two writers at once (the job's parallelism), into a fresh schema per run,
 * every alternative once per round, round after round. Reports rows/s and CPU seconds per million
 * rows of PostgreSQL and of this JVM (the writers' side: binding or COPY text).
 *
 * <p>The rows mimic the end-to-end benchmark's: 50 symbols, per order one row (filled or cancelled
 * within its batch, or still open) or two (open, then final in the next batch): 1.4 row versions
 * per order.
 *
 * <pre>
 * mvn -B -q -DskipTests -Plocal verify -Dspotmatch.main=io.spotmatch.job.local.OrdersTableBenchmark \
 *     -Dspotmatch.args="--orders 1000000 --rounds 3"
 * </pre>
 */
public final class OrdersTableBenchmark {

    private static final int SYMBOLS = 50;

    /** One way to lay out and write the table: the first {@code scripts} schema scripts, then {@code ddl}. */
    record Alternative(String name, int scripts, String ddl, OrderRowWriter.Mode mode) {}

    static final List<Alternative> ALTERNATIVES = List.of(
            new Alternative("V003 table, multi-row upsert (before)", 3, "", OrderRowWriter.Mode.UPSERT),
            new Alternative("V003 table, COPY + merge", 3, "", OrderRowWriter.Mode.COPY_MERGE),
            new Alternative(
                    "V003 table without generated columns, multi-row upsert",
                    3,
                    "ALTER TABLE orders DROP COLUMN remaining_quantity, DROP COLUMN avg_price",
                    OrderRowWriter.Mode.UPSERT),
            new Alternative("V004 table, multi-row upsert", 4, "", OrderRowWriter.Mode.UPSERT),
            new Alternative("V004 table, COPY + merge (after)", 4, "", OrderRowWriter.Mode.COPY_MERGE),
            new Alternative(
                    "V004 table with the primary key only (floor), COPY + merge",
                    4,
                    "DROP INDEX orders_open, orders_user_symbol, orders_user_client_order_id",
                    OrderRowWriter.Mode.COPY_MERGE));

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>(Map.of("orders", "1000000", "rounds", "3", "batch", "10000"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int orders = Integer.parseInt(a.get("orders"));
        int rounds = Integer.parseInt(a.get("rounds"));
        int batch = Integer.parseInt(a.get("batch"));
        List<List<List<OrderRow>>> batches = List.of(batches(orders, batch, 0), batches(orders, batch, 1));
        long rows = batches.stream().flatMap(List::stream).mapToLong(List::size).sum();
        System.out.printf(Locale.ROOT, "%,d orders, %,d order rows, batches of %,d per writer%n", orders, rows, batch);
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start()) {
            for (int round = 0; round <= rounds; round++) {
                for (Alternative alt : ALTERNATIVES) {
                    double[] m = run(pg, alt, batches, "r" + round);
                    System.out.printf(
                            Locale.ROOT,
                            "%s round %d: %s: %,.0f rows/s, PostgreSQL %.1f s/M rows, writers %.1f s/M rows%n",
                            round == 0 ? "warm-up" : "counted",
                            round,
                            alt.name(),
                            rows / m[0],
                            m[1] / (rows / 1e6),
                            m[2] / (rows / 1e6));
                    if (round > 0) {
                        results.computeIfAbsent(alt.name(), k -> new ArrayList<>())
                                .add(new double[] {rows / m[0], m[1] / (rows / 1e6), m[2] / (rows / 1e6)});
                    }
                }
            }
        }
        System.out.println();
        System.out.println("| alternative | rows/s median (min-max) | PostgreSQL CPU s/M rows | writers' CPU s/M rows"
                + " | PostgreSQL CPU vs before |");
        System.out.println("|---|---|---|---|---|");
        double before = median(results.values().iterator().next(), 1);
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            List<double[]> ms = e.getValue();
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %,.0f (%,.0f-%,.0f) | %.1f | %.1f | %.2f× |%n",
                    e.getKey(),
                    median(ms, 0),
                    ms.stream().mapToDouble(m -> m[0]).min().orElseThrow(),
                    ms.stream().mapToDouble(m -> m[0]).max().orElseThrow(),
                    median(ms, 1),
                    median(ms, 2),
                    median(ms, 1) / before);
        }
    }

    /** Seconds, PostgreSQL CPU seconds, this JVM's CPU seconds. */
    private static double[] run(EmbeddedPostgres pg, Alternative alt, List<List<List<OrderRow>>> batches, String tag)
            throws Exception {
        String schema = "otb_" + tag + "_" + ALTERNATIVES.indexOf(alt);
        String url = pg.jdbcUrl() + "?currentSchema=" + schema;
        try (Connection c =
                        DriverManager.getConnection(pg.jdbcUrl(), EmbeddedPostgres.USER, EmbeddedPostgres.PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
        }
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgres.USER, EmbeddedPostgres.PASSWORD);
                Statement st = c.createStatement()) {
            Schema.apply(c, alt.scripts());
            if (!alt.ddl().isEmpty()) {
                st.execute(alt.ddl());
            }
            st.execute("VACUUM ANALYZE orders");
        }
        long self = ProcessHandle.current().pid();
        EndToEndBenchmark.Cpu before = EndToEndBenchmark.Cpu.now(self, self);
        long start = System.nanoTime();
        ExecutorService writers = Executors.newFixedThreadPool(batches.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<List<OrderRow>> own : batches) {
                done.add(writers.submit(() -> {
                    try (Connection c =
                            DriverManager.getConnection(url, EmbeddedPostgres.USER, EmbeddedPostgres.PASSWORD)) {
                        c.setAutoCommit(false);
                        OrderRowWriter w = new OrderRowWriter(c, alt.mode());
                        for (List<OrderRow> b : own) {
                            w.write(b);
                            c.commit();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            writers.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        EndToEndBenchmark.Cpu used = EndToEndBenchmark.Cpu.now(self, self).minus(before);
        try (Connection c =
                        DriverManager.getConnection(pg.jdbcUrl(), EmbeddedPostgres.USER, EmbeddedPostgres.PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + schema + " CASCADE");
        }
        return new double[] {seconds, used.postgres(), used.self()};
    }

    /**
     * Writer {@code writer}'s batches (of two writers, each with half the symbols), as the class
     * comment says. Deterministic.
     */
    static List<List<OrderRow>> batches(int orders, int batchSize, int writer) {
        List<List<OrderRow>> out = new ArrayList<>();
        List<OrderRow> late = new ArrayList<>();
        List<OrderRow> lateNext = new ArrayList<>();
        List<OrderRow> b = new ArrayList<>();
        long[] nextId = new long[SYMBOLS];
        long seq = 0;
        for (int i = writer; i < orders; i += 2) {
            int s = (i / 2) % (SYMBOLS / 2) * 2 + writer;
            long id = ++nextId[s];
            String symbol = "SYM" + s + "-USDT";
            long user = 1 + (i * 7919L) % 10_000;
            Side side = i % 2 == 0 ? Side.BUY : Side.SELL;
            BigDecimal price = BigDecimal.valueOf(100_000 + (i * 31L) % 2_000, 2);
            BigDecimal qty = BigDecimal.valueOf(1 + (i * 13L) % 500, 3);
            long t = 1_767_225_600_000L + i / 50;
            int kind = (int) ((i * 2654435761L) % 10);
            if (kind < 3) { // filled within its batch
                b.add(row(symbol, id, user, side, price, qty, OrderStatus.FILLED, qty, null, ++seq, t));
            } else if (kind < 6) { // open at the end
                b.add(row(symbol, id, user, side, price, qty, OrderStatus.NEW, BigDecimal.ZERO, null, ++seq, t));
            } else { // open, then cancelled or filled two batches later
                b.add(row(symbol, id, user, side, price, qty, OrderStatus.NEW, BigDecimal.ZERO, null, ++seq, t));
                lateNext.add(
                        kind < 8
                                ? row(
                                        symbol,
                                        id,
                                        user,
                                        side,
                                        price,
                                        qty,
                                        OrderStatus.CANCELLED,
                                        BigDecimal.ZERO,
                                        CancelReason.USER,
                                        seq + 1_000_000,
                                        t)
                                : row(
                                        symbol,
                                        id,
                                        user,
                                        side,
                                        price,
                                        qty,
                                        OrderStatus.FILLED,
                                        qty,
                                        null,
                                        seq + 1_000_000,
                                        t));
            }
            if (b.size() >= batchSize) {
                b.addAll(late);
                out.add(b);
                b = new ArrayList<>();
                late = lateNext;
                lateNext = new ArrayList<>();
            }
        }
        b.addAll(late);
        b.addAll(lateNext);
        out.add(b);
        return out;
    }

    private static OrderRow row(
            String symbol,
            long id,
            long user,
            Side side,
            BigDecimal price,
            BigDecimal qty,
            OrderStatus status,
            BigDecimal filled,
            CancelReason reason,
            long version,
            long time) {
        return new OrderRow(
                symbol,
                id,
                user,
                side,
                OrderType.LIMIT,
                TimeInForce.GTC,
                StpMode.EXPIRE_TAKER,
                price,
                qty,
                null,
                status,
                filled,
                filled.multiply(price),
                BigDecimal.ZERO,
                reason,
                version,
                time,
                time);
    }

    private static double median(List<double[]> ms, int i) {
        double[] v = ms.stream().mapToDouble(m -> m[i]).sorted().toArray();
        return v[v.length / 2];
    }
}
