package io.spotmatch.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The benchmark's per-thread CPU split: which group a thread falls into, and that its CPU is counted. */
class ThreadCpuTest {

    private static final List<String> TASKS = List.of(
            "Source: Orders (Kafka) -> Route dead letters",
            "Match -> (Order events (Kafka): Writer -> Order events (Kafka): Committer)",
            "Ledger",
            "Ledger (PostgreSQL): Writer",
            "Order events (Kafka): Writer",
            "Order events (Kafka): Committer");

    @Test
    void aThreadBelongsToTheTaskWhoseNameStartsItsOwnFurthest() {
        // Linux keeps 15 characters of "<task> (<subtask>/<parallelism>)#<attempt>".
        assertThat(ThreadCpu.group("Ledger (1/2)#0", TASKS)).isEqualTo("task: Ledger");
        assertThat(ThreadCpu.group("Ledger (Postgre", TASKS)).isEqualTo("task: Ledger (PostgreSQL): Writer");
        assertThat(ThreadCpu.group("Source: Orders ", TASKS))
                .isEqualTo("task: Source: Orders (Kafka) -> Route dead letters");
        assertThat(ThreadCpu.group("Match -> (Order", TASKS))
                .isEqualTo("task: Match -> (Order events (Kafka): Writer -> Order events (Kafka): Committer)");
        // Two tasks that share their first 15 characters are one group.
        assertThat(ThreadCpu.group("Order events (K", TASKS))
                .isEqualTo("task: Order events (Kafka): Writer / Order events (Kafka): Committer");
    }

    @Test
    void otherThreadsByWhatTheyAre() {
        assertThat(ThreadCpu.group("Source Data Fet", TASKS)).isEqualTo("Kafka source fetchers (consumer poll)");
        assertThat(ThreadCpu.group("kafka-producer-", TASKS)).isEqualTo("Kafka producer I/O threads");
        assertThat(ThreadCpu.group("C2 CompilerThre", TASKS)).isEqualTo("JIT compiler");
        assertThat(ThreadCpu.group("GC Thread#1", TASKS)).isEqualTo("GC");
        assertThat(ThreadCpu.group("flink-pekko.act", TASKS)).isEqualTo("Flink runtime");
        // A task of a build whose job graph is not known, and a thread no rule names: its name.
        assertThat(ThreadCpu.group("Match -> Sink: ", List.of())).isEqualTo("thread: Match -> Sink:");
        assertThat(ThreadCpu.group("pool-3-thread-12", List.of())).isEqualTo("thread: pool-3-thread");
    }

    @Test
    void aBusyThreadsCpuIsInItsGroupAndTheRestIsNotAttributed() throws Exception {
        long self = ProcessHandle.current().pid();
        var bean = ManagementFactory.getThreadMXBean();
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ThreadCpu cpu = ThreadCpu.start(self);
        Thread burner = new Thread(
                () -> {
                    long until = bean.getCurrentThreadCpuTime() + 300_000_000L;
                    long x = 0;
                    while (bean.getCurrentThreadCpuTime() < until) {
                        x += System.nanoTime() % 7;
                    }
                    busy.countDown();
                    try {
                        release.await(); // alive until the last sample: an ended thread's tail is not attributed
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (x == 42) {
                        System.out.println(x);
                    }
                },
                "burner");
        burner.start();
        busy.await();
        Map<String, Double> groups = cpu.groups(1000.0, TASKS);
        release.countDown();
        burner.join();

        // 300 ms of CPU in 10 ms ticks (utime and stime each rounded down).
        assertThat(groups.get("thread: burner")).isBetween(0.28, 1.0);
        double attributed = groups.entrySet().stream()
                .filter(e -> !e.getKey().equals(ThreadCpu.NOT_ATTRIBUTED))
                .mapToDouble(Map.Entry::getValue)
                .sum();
        assertThat(groups.get(ThreadCpu.NOT_ATTRIBUTED)).isCloseTo(1000.0 - attributed, within(1e-9));
    }
}
