package io.spotmatch.job.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The CPU of one JVM's threads while a run lasts, read from {@code /proc/<pid>/task/<tid>/stat} by a
 * sampler thread of the benchmark, and grouped by what each thread does: one group per Flink task
 * (a chain of operators, or one operator when chaining is off), and the JVM's and clients' own threads.
 *
 * <p>Reading {@code /proc} needs nothing from the measured JVM, so the previous build is split the same
 * way. Linux keeps only the first 15 characters of a thread's name, which for a Flink task thread
 * ({@code <task name> (<subtask>/<parallelism>)#<attempt>}) is the start of its task's name: a task is
 * recognised by that prefix, and the subtasks of one task fall into one group. A thread's CPU is its
 * last sample minus its CPU when the run started; what a thread did after its last sample, or a thread
 * that lived between two samples, is in no group: {@link #groups} reports it as "not attributed" (the
 * process's own counter includes ended threads), with what the counters' 10 ms ticks round off each
 * thread (about one tick per thread started during the run: it matters in short runs only).
 */
final class ThreadCpu {

    static final String NOT_ATTRIBUTED = "not attributed (threads that ended between samples; 10 ms rounding)";
    static final String SAMPLER = "bench thread sampler";
    private static final long SAMPLE_MILLIS = 100;
    private static final int COMM = 15;

    /** Non-task threads by name prefix; the first that matches names the group. */
    private static final List<Map.Entry<Pattern, String>> KNOWN = List.of(
            rule("Source Data Fet", "Kafka source fetchers (consumer poll)"),
            rule("kafka-producer-", "Kafka producer I/O threads"),
            rule("kafka-|kafka\\.", "Kafka clients, other"),
            rule("orders-writer", "orders table writer threads (OrderRowSink)"),
            rule("jdbc-", "JDBC sinks' interval flush threads"),
            rule("rocksdb", "RocksDB background (flush, compaction)"),
            rule("GC Thread|G1 ", "GC"),
            rule("C1 Compiler|C2 Compiler|Sweeper thread", "JIT compiler"),
            rule("OutputFlusher", "Flink output flushers (buffer timeout)"),
            rule("AsyncOperations|Flink-RocksDBSt", "Flink checkpoints, asynchronous part and state upload"),
            rule(SAMPLER.substring(0, COMM), SAMPLER),
            rule(
                    "(?i)flink|pekko|jobmanager|taskmanager|Checkpoint|IOManager|mini-cluster|cluster-io",
                    "Flink runtime"));

    private final long pid;
    private final Map<String, Long> start = new HashMap<>();
    private final Map<String, Long> last = new HashMap<>();
    private final Map<String, String> names = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private ThreadCpu(long pid) throws IOException {
        this.pid = pid;
        sample(start);
        sampler = new Thread(this::run, SAMPLER);
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling {@code pid}'s threads. */
    static ThreadCpu start(long pid) throws IOException {
        return new ThreadCpu(pid);
    }

    private static Map.Entry<Pattern, String> rule(String prefix, String group) {
        return Map.entry(Pattern.compile("^(" + prefix + ")"), group);
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(SAMPLE_MILLIS);
                synchronized (this) {
                    sample(last);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                // the JVM is gone: the run fails and says so
                return;
            }
        }
    }

    /** Every thread's CPU ticks now, keyed by thread id and start time (so a reused id is another thread). */
    private void sample(Map<String, Long> into) throws IOException {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException ended) {
                    continue;
                } catch (IOException ended) {
                    continue; // ESRCH while the thread exits
                }
                // "tid (name) state ...": the name may hold spaces and parentheses, the fields after it do not.
                int close = stat.lastIndexOf(')');
                String[] f = stat.substring(close + 2).split(" ");
                String key = task.getFileName() + "@" + f[19];
                into.put(key, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                names.putIfAbsent(key, stat.substring(stat.indexOf('(') + 1, close));
            }
        }
    }

    /**
     * Stops sampling; CPU seconds per group since the start, with {@code processSeconds} (the
     * process's CPU over the same time) minus their sum as "not attributed". {@code tasks}: the
     * run's Flink task names, where known (the current build's job graph); other task threads are
     * shown by their 15-character name.
     */
    synchronized Map<String, Double> groups(double processSeconds, Collection<String> tasks) throws IOException {
        running = false;
        sampler.interrupt();
        sample(last);
        Map<String, Double> g = new LinkedHashMap<>();
        double sum = 0;
        for (Map.Entry<String, Long> e : last.entrySet()) {
            long ticks = e.getValue() - start.getOrDefault(e.getKey(), 0L);
            if (ticks > 0) {
                g.merge(group(names.get(e.getKey()), tasks), ticks / 100.0, Double::sum);
                sum += ticks / 100.0;
            }
        }
        g.put(NOT_ATTRIBUTED, processSeconds - sum);
        return g;
    }

    /** The group of a thread named {@code comm} (at most 15 characters). */
    static String group(String comm, Collection<String> tasks) {
        // The tasks whose names start the thread's name; of those, the ones that match it furthest
        // ("Ledger (1/2)#0" is the task Ledger, "Ledger (Postgre" the task Ledger (PostgreSQL): Writer).
        List<String> matching = new ArrayList<>();
        int longest = 0;
        for (String task : tasks) {
            String prefix = task + " (";
            prefix = prefix.substring(0, Math.min(COMM, prefix.length()));
            if (comm.startsWith(prefix) && prefix.length() >= longest) {
                if (prefix.length() > longest) {
                    matching.clear();
                    longest = prefix.length();
                }
                matching.add(task);
            }
        }
        if (!matching.isEmpty()) {
            return "task: " + String.join(" / ", matching);
        }
        for (Map.Entry<Pattern, String> rule : KNOWN) {
            if (rule.getKey().matcher(comm).find()) {
                return rule.getValue();
            }
        }
        // A task of a build whose job graph is not known here, or a thread no rule names: its name
        // without the numbers that tell the threads of one pool apart.
        return "thread: " + comm.replaceAll("[-#]?\\d+$", "").trim();
    }
}
