package io.spotmatch.job.local;

import io.spotmatch.job.Schema;
import io.spotmatch.ledger.Leg;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The {@code ledger} table's write alternatives side by side: the same ledger rows in the same
 * batches, written by two writers at once (the ledger sink's parallelism; rows split by account,
 * as the ledger is keyed), into a fresh schema per run, every alternative once per round, round
 * after round. Reports rows/s and CPU seconds per million rows of PostgreSQL (this server's
 * processes only) and of this JVM (the writers' side: binding or COPY text).
 *
 * <p>The rows mimic the job's: 50 symbols, 10,000 accounts, one deposit per account first; per
 * order a {@code HOLD}, for one order in 20 a trade (five rows: the taker's two assets, the
 * maker's two, the fee account's fee) and for one in 10 a {@code RELEASE}: about 1.35 rows per
 * order. Each alternative is checked after its run: the rows written, and a replay of the first
 * batch of each writer changes nothing (for the idempotent ones).
 *
 * <pre>
 * mvn -B -o -q -pl job -am -DskipTests -Plocal verify -Dspotmatch.main=io.spotmatch.job.local.LedgerTableBenchmark \
 *     -Dspotmatch.args="--orders 700000 --rounds 3"
 * </pre>
 */
public final class LedgerTableBenchmark {

    private static final int SYMBOLS = 50;
    private static final int ACCOUNTS = 10_000;
    private static final String COLUMNS =
            "symbol, seq, tx_id, account, asset, order_id, available, held, leg, moved_at";
    private static final String V002_KEY = "(symbol, seq, tx_id, account, asset, order_id)";
    /** The cause of an event's movement without its redundant columns, and of a funds command's. */
    private static final String NARROW_KEYS = "ALTER TABLE ledger DROP CONSTRAINT ledger_pkey;"
            + " CREATE UNIQUE INDEX ledger_event ON ledger (symbol, seq, order_id, asset) WHERE tx_id = '';"
            + " CREATE UNIQUE INDEX ledger_funds ON ledger (account, tx_id) WHERE tx_id <> ''";

    enum Write {
        /** What the JDBC connector sink does: one bound row per addBatch, reWriteBatchedInserts. */
        CONNECTOR,
        /** COPY into a temporary table, then one INSERT ... SELECT per batch. */
        COPY,
        /**
         * COPY straight into the table; a batch that meets a row already there (a replay) fails on
         * the unique key, rolls back whole and goes again as {@link #COPY}.
         */
        COPY_FIRST
    }

    /**
     * One way to lay out and write the table: the schema scripts, then {@code ddl}; {@code conflict}
     * is the statement's ON CONFLICT clause ("" for a plain INSERT); {@code entry}: the rows carry
     * their number within their event.
     */
    record Alternative(String name, String ddl, String conflict, boolean entry, Write write) {
        boolean idempotent() {
            return !conflict.isEmpty();
        }

        String columns() {
            return entry ? COLUMNS + ", entry" : COLUMNS;
        }
    }

    static final List<Alternative> ALTERNATIVES = List.of(
            new Alternative(
                    "V002 table, connector's INSERT ON CONFLICT (6-column key) DO NOTHING (before)",
                    "",
                    "ON CONFLICT " + V002_KEY + " DO NOTHING",
                    false,
                    Write.CONNECTOR),
            new Alternative("V002 table, connector's plain INSERT (not idempotent)", "", "", false, Write.CONNECTOR),
            new Alternative(
                    "V002 table, COPY + INSERT SELECT ON CONFLICT DO NOTHING",
                    "",
                    "ON CONFLICT " + V002_KEY + " DO NOTHING",
                    false,
                    Write.COPY),
            new Alternative(
                    "V002 table, COPY straight in; on a unique violation the batch again by COPY + ON CONFLICT",
                    "",
                    "ON CONFLICT " + V002_KEY + " DO NOTHING",
                    false,
                    Write.COPY_FIRST),
            new Alternative(
                    "V002 table without ledger_account (floor), connector",
                    "DROP INDEX ledger_account",
                    "ON CONFLICT " + V002_KEY + " DO NOTHING",
                    false,
                    Write.CONNECTOR),
            new Alternative(
                    "keys (symbol, seq, order_id, asset) and (account, tx_id), partial; connector",
                    NARROW_KEYS,
                    "ON CONFLICT DO NOTHING",
                    false,
                    Write.CONNECTOR),
            new Alternative(
                    "keys (symbol, seq, entry) and (account, tx_id), partial; connector",
                    "ALTER TABLE ledger DROP CONSTRAINT ledger_pkey, ADD COLUMN entry SMALLINT NOT NULL;"
                            + " CREATE UNIQUE INDEX ledger_event ON ledger (symbol, seq, entry) WHERE tx_id = '';"
                            + " CREATE UNIQUE INDEX ledger_funds ON ledger (account, tx_id) WHERE tx_id <> ''",
                    "ON CONFLICT DO NOTHING",
                    true,
                    Write.CONNECTOR),
            new Alternative(
                    "V002 key, ledger_account as (account, moved_at), connector",
                    "DROP INDEX ledger_account; CREATE INDEX ledger_account ON ledger (account, moved_at)",
                    "ON CONFLICT " + V002_KEY + " DO NOTHING",
                    false,
                    Write.CONNECTOR),
            new Alternative(
                    "keys (symbol, seq, order_id, asset) and (account, tx_id), partial; COPY",
                    NARROW_KEYS,
                    "ON CONFLICT DO NOTHING",
                    false,
                    Write.COPY),
            new Alternative(
                    "keys (symbol, seq, order_id, asset) and (account, tx_id), partial; COPY straight in",
                    NARROW_KEYS,
                    "ON CONFLICT DO NOTHING",
                    false,
                    Write.COPY_FIRST));

    /** A ledger row as the job writes it, and its number within its event (0 for funds commands). */
    record Row(
            String symbol,
            long seq,
            String txId,
            long account,
            String asset,
            long orderId,
            BigDecimal available,
            BigDecimal held,
            Leg leg,
            long time,
            int entry) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>(Map.of("orders", "700000", "rounds", "3", "batch", "10000"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int orders = Integer.parseInt(a.get("orders"));
        int rounds = Integer.parseInt(a.get("rounds"));
        int batch = Integer.parseInt(a.get("batch"));
        List<List<List<Row>>> batches = batches(orders, batch);
        long rows = batches.stream().flatMap(List::stream).mapToLong(List::size).sum();
        System.out.printf(
                Locale.ROOT,
                "%,d orders, %,d ledger rows, batches of %,d per writer, 2 writers%n",
                orders,
                rows,
                batch);
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start()) {
            for (int round = 0; round <= rounds; round++) {
                for (Alternative alt : ALTERNATIVES) {
                    double[] m = run(pg, alt, batches, rows, "r" + round);
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
                + " | rows/s vs before | PostgreSQL CPU vs before |");
        System.out.println("|---|---|---|---|---|---|");
        List<double[]> first = results.values().iterator().next();
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            List<double[]> ms = e.getValue();
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %,.0f (%,.0f-%,.0f) | %.1f | %.1f | %.2f× | %.2f× |%n",
                    e.getKey(),
                    median(ms, 0),
                    ms.stream().mapToDouble(m -> m[0]).min().orElseThrow(),
                    ms.stream().mapToDouble(m -> m[0]).max().orElseThrow(),
                    median(ms, 1),
                    median(ms, 2),
                    medianRatio(ms, first, 0),
                    medianRatio(ms, first, 1));
        }
    }

    /** Seconds, PostgreSQL CPU seconds, this JVM's CPU seconds; then checks the table. */
    private static double[] run(
            EmbeddedPostgres pg, Alternative alt, List<List<List<Row>>> batches, long rows, String tag)
            throws Exception {
        String schema = "ltb_" + tag + "_" + ALTERNATIVES.indexOf(alt);
        String url = pg.jdbcUrl() + "?currentSchema=" + schema + "&reWriteBatchedInserts=true";
        long postmaster;
        try (Connection c = pg.connect();
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
            try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                postmaster = parent(rs.getLong(1));
            }
        }
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgres.USER, EmbeddedPostgres.PASSWORD);
                Statement st = c.createStatement()) {
            Schema.apply(c);
            if (!alt.ddl().isEmpty()) {
                st.execute(alt.ddl());
            }
            st.execute("VACUUM ANALYZE ledger");
        }
        double pgBefore = postgresSeconds(postmaster);
        double selfBefore = selfSeconds();
        long start = System.nanoTime();
        write(alt, batches, url, false);
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(300); // the writers' backends have ended: the postmaster has counted their CPU
        double pgUsed = postgresSeconds(postmaster) - pgBefore;
        double selfUsed = selfSeconds() - selfBefore;
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgres.USER, EmbeddedPostgres.PASSWORD);
                Statement st = c.createStatement()) {
            check(st, alt, rows);
            if (alt.idempotent()) {
                write(alt, batches, url, true);
                check(st, alt, rows);
            }
            st.execute("DROP SCHEMA " + schema + " CASCADE");
        }
        return new double[] {seconds, pgUsed, selfUsed};
    }

    /** Every writer's batches, each in its own transaction; {@code replay}: each writer's first batch only. */
    private static void write(Alternative alt, List<List<List<Row>>> batches, String url, boolean replay)
            throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(batches.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<List<Row>> own : batches) {
                done.add(writers.submit(() -> {
                    try (Connection c =
                            DriverManager.getConnection(url, EmbeddedPostgres.USER, EmbeddedPostgres.PASSWORD)) {
                        c.setAutoCommit(false);
                        Writer w = new Writer(c, alt);
                        for (List<Row> b : replay ? own.subList(0, 1) : own) {
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
    }

    /** Every row is there once, with exact amounts: the count and the sums over all rows. */
    private static void check(Statement st, Alternative alt, long rows) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT count(*), sum(available), sum(held),"
                + " count(DISTINCT (symbol, seq, tx_id, account, asset, order_id)) FROM ledger")) {
            rs.next();
            if (rs.getLong(1) != rows || rs.getLong(4) != rows) {
                throw new IllegalStateException(alt.name() + ": " + rs.getLong(1) + " rows, " + rs.getLong(4)
                        + " distinct causes, expected " + rows);
            }
        }
    }

    /** Writes batches the way its alternative says; one per connection. */
    static final class Writer {
        private final Connection connection;
        private final Alternative alt;
        private PreparedStatement insert;
        private CopyManager copy;
        private final StringBuilder text = new StringBuilder(1 << 16);

        Writer(Connection connection, Alternative alt) throws Exception {
            this.connection = connection;
            this.alt = alt;
            String columns = alt.columns();
            String params = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?" + (alt.entry() ? ", ?" : "");
            if (alt.write() == Write.CONNECTOR) {
                insert = connection.prepareStatement(
                        "INSERT INTO ledger (" + columns + ") VALUES (" + params + ") " + alt.conflict());
            } else {
                copy = connection.unwrap(PGConnection.class).getCopyAPI();
            }
        }

        private void staging() throws Exception {
            if (insert == null) {
                try (Statement st = connection.createStatement()) {
                    st.execute("CREATE TEMP TABLE ledger_rows_in ON COMMIT DELETE ROWS AS SELECT " + alt.columns()
                            + " FROM ledger WITH NO DATA");
                }
                connection.commit();
                insert = connection.prepareStatement("INSERT INTO ledger (" + alt.columns() + ") SELECT "
                        + alt.columns() + " FROM ledger_rows_in " + alt.conflict());
            }
        }

        void write(List<Row> rows) throws Exception {
            if (alt.write() == Write.CONNECTOR) {
                for (Row r : rows) {
                    insert.setString(1, r.symbol());
                    insert.setLong(2, r.seq());
                    insert.setString(3, r.txId());
                    insert.setLong(4, r.account());
                    insert.setString(5, r.asset());
                    insert.setLong(6, r.orderId());
                    insert.setBigDecimal(7, r.available());
                    insert.setBigDecimal(8, r.held());
                    insert.setString(9, r.leg().name());
                    insert.setObject(10, OffsetDateTime.ofInstant(Instant.ofEpochMilli(r.time()), ZoneOffset.UTC));
                    if (alt.entry()) {
                        insert.setInt(11, r.entry());
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
                return;
            }
            text.setLength(0);
            for (Row r : rows) {
                text.append(r.symbol()).append('\t').append(r.seq()).append('\t');
                text.append(r.txId()).append('\t').append(r.account()).append('\t');
                text.append(r.asset()).append('\t').append(r.orderId()).append('\t');
                text.append(r.available().toPlainString()).append('\t');
                text.append(r.held().toPlainString()).append('\t');
                text.append(r.leg().name()).append('\t').append(Instant.ofEpochMilli(r.time()));
                if (alt.entry()) {
                    text.append('\t').append(r.entry());
                }
                text.append('\n');
            }
            if (alt.write() == Write.COPY_FIRST) {
                try {
                    copyIn("ledger");
                    return;
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState())) {
                        throw e;
                    }
                    connection.rollback(); // a row of this batch is there already: a replay
                }
            }
            staging();
            copyIn("ledger_rows_in");
            insert.executeUpdate();
        }

        private void copyIn(String table) throws Exception {
            try {
                copy.copyIn("COPY " + table + " (" + alt.columns() + ") FROM STDIN", new StringReader(text.toString()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The two writers' batches (rows split by account parity), as the class comment says.
     * Deterministic.
     */
    static List<List<List<Row>>> batches(int orders, int batchSize) {
        List<List<Row>> own = List.of(new ArrayList<>(), new ArrayList<>());
        long t0 = 1_767_225_600_000L;
        for (long account = 1; account <= ACCOUNTS; account++) {
            own.get((int) (account % 2))
                    .add(new Row(
                            "",
                            0,
                            "dep-" + account,
                            account,
                            "USDT",
                            0,
                            BigDecimal.valueOf(1_000_000_00000L, 5),
                            BigDecimal.ZERO,
                            Leg.DEPOSIT,
                            t0,
                            0));
        }
        long[] seq = new long[SYMBOLS];
        long[] orderId = new long[SYMBOLS];
        List<List<Row>> events = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            int s = i % SYMBOLS;
            String symbol = "SYM" + s + "-USDT";
            String base = "SYM" + s;
            long t = t0 + 1_000 + i / 50;
            long user = 1 + (i * 7919L) % ACCOUNTS;
            long id = ++orderId[s];
            boolean buy = i % 2 == 0;
            BigDecimal quote = BigDecimal.valueOf(100_000 + (i * 31L) % 2_000, 5);
            BigDecimal lots = BigDecimal.valueOf(1 + (i * 13L) % 500, 3);
            events.add(List.of(new Row(
                    symbol,
                    ++seq[s],
                    "",
                    user,
                    buy ? "USDT" : base,
                    id,
                    (buy ? quote : lots).negate(),
                    buy ? quote : lots,
                    Leg.HOLD,
                    t,
                    0)));
            int kind = (int) ((i * 2654435761L) % 20);
            if (kind == 0 && id > 1) { // a trade with an earlier order of the symbol
                long maker = 1 + (user * 31L) % ACCOUNTS;
                long n = ++seq[s];
                BigDecimal fee = BigDecimal.valueOf(150 + i % 7, 5);
                events.add(List.of(
                        new Row(symbol, n, "", user, "USDT", id, quote.negate(), quote.negate(), Leg.TRADE, t, 0),
                        new Row(symbol, n, "", user, base, id, lots, BigDecimal.ZERO, Leg.TRADE, t, 1),
                        new Row(symbol, n, "", maker, base, id - 1, BigDecimal.ZERO, lots.negate(), Leg.TRADE, t, 2),
                        new Row(symbol, n, "", maker, "USDT", id - 1, quote, BigDecimal.ZERO, Leg.TRADE, t, 3),
                        new Row(symbol, n, "", 0, "USDT", 0, fee, BigDecimal.ZERO, Leg.FEE, t, 4)));
            } else if (kind < 3) { // cancelled
                events.add(List.of(new Row(
                        symbol,
                        ++seq[s],
                        "",
                        user,
                        buy ? "USDT" : base,
                        id,
                        buy ? quote : lots,
                        (buy ? quote : lots).negate(),
                        Leg.RELEASE,
                        t,
                        0)));
            }
        }
        for (List<Row> event : events) {
            for (Row r : event) {
                own.get((int) (r.account() % 2)).add(r);
            }
        }
        List<List<List<Row>>> out = new ArrayList<>();
        for (List<Row> rows : own) {
            List<List<Row>> b = new ArrayList<>();
            for (int from = 0; from < rows.size(); from += batchSize) {
                b.add(rows.subList(from, Math.min(rows.size(), from + batchSize)));
            }
            out.add(b);
        }
        return out;
    }

    /** CPU seconds of this server: the postmaster, its children, and the children that ended. */
    private static double postgresSeconds(long postmaster) throws IOException {
        long ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String[] f = stat(proc);
                    if (Long.parseLong(name) == postmaster) {
                        ticks += Long.parseLong(f[13])
                                + Long.parseLong(f[14])
                                + Long.parseLong(f[15])
                                + Long.parseLong(f[16]);
                    } else if (Long.parseLong(f[3]) == postmaster) {
                        ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            }
        }
        return ticks / 100.0;
    }

    private static long parent(long pid) throws IOException {
        return Long.parseLong(stat(Path.of("/proc/" + pid))[3]);
    }

    private static double selfSeconds() throws IOException {
        String[] f = stat(Path.of("/proc/self"));
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
    }

    /** /proc/PID/stat's fields after the command name (which may hold spaces), numbered as in proc(5) from 0. */
    private static String[] stat(Path proc) throws IOException {
        String s = Files.readString(proc.resolve("stat"));
        int close = s.lastIndexOf(')');
        String[] rest = s.substring(close + 2).split(" ");
        String[] f = new String[rest.length + 2];
        f[0] = s.substring(0, s.indexOf(' '));
        f[1] = s.substring(s.indexOf('('), close + 1);
        System.arraycopy(rest, 0, f, 2, rest.length);
        return f;
    }

    private static double median(List<double[]> ms, int i) {
        double[] v = ms.stream().mapToDouble(m -> m[i]).sorted().toArray();
        return v[v.length / 2];
    }

    /** The median of the per-round ratios to the first alternative (measured in the same round, moments apart). */
    private static double medianRatio(List<double[]> ms, List<double[]> first, int i) {
        double[] v = new double[ms.size()];
        for (int r = 0; r < v.length; r++) {
            v[r] = ms.get(r)[i] / first.get(r)[i];
        }
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
