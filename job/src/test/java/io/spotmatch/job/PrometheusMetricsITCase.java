package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.Side;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.job.local.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job on a MiniCluster with the Prometheus reporter, as flink-conf/config.yaml configures it
 * on a cluster: its HTTP endpoint, scraped while the job runs, has every metric the README
 * documents (Operations, Watch it), each with the value the test's orders, funds commands and
 * dead letters must give it. The README's table is the list: a metric documented there and not
 * checked here, or checked here and not documented, fails the test.
 */
class PrometheusMetricsITCase {

    /** The first port of the reporter's range; the endpoint is the one of the range that shows this test's topics. */
    private static final int PORT = freePort();

    @RegisterExtension
    static final MiniClusterExtension FLINK = miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static MiniClusterExtension miniCluster() {
        Configuration conf = LocalCluster.onLoopback(new Configuration());
        conf.setString("taskmanager.memory.managed.size", "256m");
        // As in flink-conf/config.yaml, but a port range: other builds on the machine may have a reporter too.
        conf.setString("metrics.reporters", "prom");
        conf.setString(
                "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", PORT + "-" + (PORT + 9));
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(4)
                .setConfiguration(conf)
                .build());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line of the text exposition format: a metric's name, labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {
        String label(String key) {
            return labels.getOrDefault(key, "");
        }
    }

    static List<Sample> parse(String exposition) {
        List<Sample> samples = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            Map<String, String> labels = new TreeMap<>();
            String name;
            int rest;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                int i = brace + 1;
                while (line.charAt(i) != '}') {
                    int eq = line.indexOf('=', i);
                    String key = line.substring(i, eq);
                    StringBuilder value = new StringBuilder();
                    int j = eq + 2; // past ="
                    while (line.charAt(j) != '"') {
                        char c = line.charAt(j++);
                        if (c == '\\') {
                            char e = line.charAt(j++);
                            value.append(e == 'n' ? '\n' : e);
                        } else {
                            value.append(c);
                        }
                    }
                    labels.put(key, value.toString());
                    i = j + 1;
                    if (line.charAt(i) == ',') {
                        i++;
                    }
                }
                rest = i + 1;
            } else {
                name = line.substring(0, space);
                rest = space;
            }
            String value = line.substring(rest).trim().split(" ")[0];
            samples.add(new Sample(name, labels, Double.parseDouble(value)));
        }
        return samples;
    }

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    /** The exposition of the reporter in this JVM: the port of the range whose metrics name this test's topic. */
    static String scrape(String marker) throws Exception {
        for (int port = PORT; port <= PORT + 9; port++) {
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (r.statusCode() == 200 && r.body().contains(marker)) {
                    return r.body();
                }
            } catch (IOException e) {
                // nothing listens there
            }
        }
        return "";
    }

    static double sum(List<Sample> samples, String name, Predicate<Sample> which) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && which.test(s))
                .mapToDouble(Sample::value)
                .sum();
    }

    static long count(List<Sample> samples, String name, Predicate<Sample> which) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && which.test(s))
                .count();
    }

    private static Predicate<Sample> operator(String name) {
        return s -> s.label("operator_name").equals(name);
    }

    private static Predicate<Sample> label(String key, String value) {
        return s -> s.label(key).equals(value);
    }

    private static final Predicate<Sample> ANY = s -> true;

    private static ProducerRecord<byte[], byte[]> funds(String topic, String key, String json, long time) {
        return new ProducerRecord<>(
                topic, null, time, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    private static String deposit(String txId, long user, String asset, String amount) {
        return "{\"type\":\"DEPOSIT\",\"txId\":\"" + txId + "\",\"userId\":" + user + ",\"asset\":\"" + asset
                + "\",\"amount\":\"" + amount + "\"}";
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyDocumentedMetricIsScrapedWithTheValueTheRunGivesIt() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 2);
        String fundsTopic = "funds-" + p.id;
        SERVERS.kafka().createTopic(fundsTopic, 2);
        SERVERS.kafka().createTopic("balances-" + p.id, 2);

        // Order timestamps are the producer's clock, as in production, so the latency is a real one.
        long now = System.currentTimeMillis();
        p.produce(List.of(
                funds(fundsTopic, "1", deposit("usdt-1", 1, "USDT", "1000000"), now),
                funds(fundsTopic, "2", deposit("btc-2", 2, "BTC", "10"), now + 1),
                funds(fundsTopic, "1", deposit("usdt-1", 1, "USDT", "1000000"), now + 2), // a repeat
                funds(fundsTopic, "3", deposit("zero", 3, "USDT", "0"), now + 3), // rejected
                funds(fundsTopic, "4", "{\"type\":\"DEPOSIT\"", now + 4))); // poison: INVALID_JSON
        JobClient job = p.start(
                Map.of(
                        "kafka.bounded",
                        "NONE",
                        "kafka.funds-topic",
                        fundsTopic,
                        "kafka.balances-topic",
                        "balances-" + p.id),
                Map.of(),
                s -> s);
        // Prometheus label values have '_' for every character it does not take, '-' included.
        String marker = "topic=\"" + p.ordersTopic.replace('-', '_') + "\"";
        // Deposits first, so no order finds an account empty (the two topics are not ordered against each other).
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (sum(parse(scrape(marker)), "flink_taskmanager_job_task_operator_fundsApplied", ANY) < 2) {
            assertThat(System.nanoTime()).as("deposits applied in time").isLessThan(deadline);
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
            Thread.sleep(200);
        }

        byte[] btc = utf8("BTC-USDT");
        long t = System.currentTimeMillis();
        List<ProducerRecord<byte[], byte[]>> orders = List.of(
                p.command("BTC-USDT", JobEndToEndITCase.listing("BTC", "0.01", "0.001", "0.001", "0.002"), t),
                p.command("ETH-USDT", JobEndToEndITCase.listing("ETH", "0.01", "0.0001", "0", "0"), t + 1),
                p.command("BTC-USDT", Command.limit(1, 2, Side.SELL, "65000.00", "1.000", TimeInForce.GTC), t + 2),
                p.command("BTC-USDT", Command.limit(2, 1, Side.BUY, "65000.00", "0.400", TimeInForce.GTC), t + 3),
                p.command("BTC-USDT", Command.limit(3, 1, Side.BUY, "65000.00", "0.200", TimeInForce.GTC), t + 4),
                p.command("ETH-USDT", Command.symbol(SymbolUpdate.status(SymbolStatus.HALTED)), t + 5),
                p.command("ETH-USDT", Command.limit(1, 1, Side.BUY, "3000.00", "1.0000", TimeInForce.GTC), t + 6),
                p.record(null, btc, utf8("{\"type\":\"NEW\",\"symbol\":\"BTC-USDT\""), t + 7),
                p.record(null, btc, null, t + 8),
                p.record(
                        null,
                        utf8("ETH-USDT"),
                        utf8("{\"type\":\"CANCEL\",\"symbol\":\"BTC-USDT\",\"orderId\":1,\"userId\":7}"),
                        t + 9));
        long commands = 7;
        p.produce(orders);
        p.awaitCaughtUp(job, Duration.ofMinutes(3));
        // The events topic's transactions commit when the checkpoint is complete, as the group's offsets
        // do: counted again at every scrape below.
        java.util.concurrent.atomic.AtomicLong events = new java.util.concurrent.atomic.AtomicLong();
        long trades = Long.parseLong(p.query("SELECT count(*) FROM trades").get(0));
        long ledgerRows = Long.parseLong(p.query("SELECT count(*) FROM ledger").get(0));
        assertThat(trades).as("the two buys each traded").isEqualTo(2);

        String match = "Match";
        String route = "Route_dead_letters";
        String fundsRoute = "Route_funds_dead_letters";
        String ordersSource = "Source:_Orders__Kafka_";
        Predicate<Sample> ordersTopic = label("topic", p.ordersTopic.replace('-', '_'));
        Map<Integer, Long> ends = new TreeMap<>();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", SERVERS.kafka().bootstrapServers()))) {
            io.spotmatch.job.local.EmbeddedKafka.endOffsets(admin, p.ordersTopic)
                    .forEach((tp, end) -> ends.put(tp.partition(), end));
        }
        assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(orders.size());
        String ledger = "Ledger";
        String taskManager = "flink_taskmanager_job_task_operator_";
        Map<String, Predicate<List<Sample>>> expected = new LinkedHashMap<>();
        expected.put(taskManager + "commands", s -> sum(s, taskManager + "commands", operator(match)) == commands);
        expected.put(
                taskManager + "orderEvents",
                s -> sum(s, taskManager + "orderEvents", operator(match)) == events.get() && events.get() >= commands);
        expected.put(taskManager + "trades", s -> sum(s, taskManager + "trades", operator(match)) == trades);
        expected.put(taskManager + "symbols", s -> sum(s, taskManager + "symbols", operator(match)) == 2);
        expected.put(taskManager + "haltedSymbols", s -> sum(s, taskManager + "haltedSymbols", operator(match)) == 1);
        expected.put(
                taskManager + "wrongPartitionCommands",
                s -> count(s, taskManager + "wrongPartitionCommands", operator(match)) == 2
                        && sum(s, taskManager + "wrongPartitionCommands", ANY) == 0);
        expected.put(
                taskManager + "quarantinedSymbols",
                s -> count(s, taskManager + "quarantinedSymbols", operator(match)) == 2
                        && sum(s, taskManager + "quarantinedSymbols", ANY) == 0);
        expected.put(
                taskManager + "adminRepeats",
                s -> count(s, taskManager + "adminRepeats", operator(match)) == 2
                        && sum(s, taskManager + "adminRepeats", ANY) == 0);
        // One command, one first event: every command of this run answers with at least one event.
        expected.put(
                taskManager + "orderToEventLatency",
                s -> sum(s, taskManager + "orderToEventLatency_count", operator(match)) == commands
                        && count(s, taskManager + "orderToEventLatency", label("quantile", "0.99")) == 2
                        && s.stream()
                                .filter(x -> x.name().equals(taskManager + "orderToEventLatency"))
                                .allMatch(x -> x.value() >= 0 && x.value() <= 500_000));
        expected.put(
                taskManager + "bookFlushDuration",
                s -> sum(s, taskManager + "bookFlushDuration_count", operator(match)) > 0
                        && count(s, taskManager + "bookFlushDuration", label("quantile", "0.5")) == 2);
        expected.put(
                taskManager + "deadLetters",
                s -> sum(s, taskManager + "deadLetters", operator(route)) == 3
                        && sum(s, taskManager + "deadLetters", operator(fundsRoute)) == 1);
        expected.put(
                taskManager + "code_deadLetters",
                s -> sum(s, taskManager + "code_deadLetters", label("code", "INVALID_JSON")) == 3
                        && sum(s, taskManager + "code_deadLetters", label("code", "KEY_SYMBOL_MISMATCH")) == 1
                        && sum(s, taskManager + "code_deadLetters", ANY) == 4
                        && count(s, taskManager + "code_deadLetters", label("code", "ENGINE_ERROR")) == 2 + 2 + 2);
        expected.put(taskManager + "movements", s -> sum(s, taskManager + "movements", operator(ledger)) == ledgerRows);
        expected.put(taskManager + "fundsApplied", s -> sum(s, taskManager + "fundsApplied", operator(ledger)) == 2);
        expected.put(
                taskManager + "fundsDuplicates", s -> sum(s, taskManager + "fundsDuplicates", operator(ledger)) == 1);
        expected.put(taskManager + "fundsRejected", s -> sum(s, taskManager + "fundsRejected", operator(ledger)) == 1);
        expected.put(taskManager + "overdrafts", s -> sum(s, taskManager + "overdrafts", operator(ledger)) == 0);
        String partitions = taskManager + "KafkaSourceReader_topic_partition_";
        // Per partition: the committed offset is the next to read, the current one the last read (-1: none yet).
        expected.put(
                partitions + "committedOffset",
                s -> ends.entrySet().stream()
                        .allMatch(e -> count(s, partitions + "committedOffset", ordersTopic) == 2
                                && sum(
                                                s,
                                                partitions + "committedOffset",
                                                ordersTopic.and(label("partition", e.getKey() + "")))
                                        == (e.getValue() == 0 ? -1 : e.getValue())));
        expected.put(
                partitions + "currentOffset",
                s -> ends.entrySet().stream()
                        .allMatch(e -> count(s, partitions + "currentOffset", ordersTopic) == 2
                                && sum(
                                                s,
                                                partitions + "currentOffset",
                                                ordersTopic.and(label("partition", e.getKey() + "")))
                                        == e.getValue() - 1));
        // Records behind the end of the reader's partitions (a reader that has read none yet has no gauge).
        expected.put(
                taskManager + "pendingRecords",
                s -> count(s, taskManager + "pendingRecords", operator(ordersSource)) >= 1
                        && sum(s, taskManager + "pendingRecords", ANY) == 0);

        String jobManager = "flink_jobmanager_job_";
        expected.put(
                jobManager + "numberOfCompletedCheckpoints",
                s -> sum(s, jobManager + "numberOfCompletedCheckpoints", ANY) >= 2);
        // Flink counts as failed the first checkpoints it triggers (every 500 ms here) before every task runs.
        expected.put(
                jobManager + "numberOfFailedCheckpoints",
                s -> count(s, jobManager + "numberOfFailedCheckpoints", ANY) == 1
                        && sum(s, jobManager + "numberOfFailedCheckpoints", ANY)
                                < sum(s, jobManager + "numberOfCompletedCheckpoints", ANY));
        expected.put(
                jobManager + "lastCheckpointDuration",
                s -> count(s, jobManager + "lastCheckpointDuration", ANY) == 1
                        && sum(s, jobManager + "lastCheckpointDuration", ANY) >= 0);
        expected.put(jobManager + "lastCheckpointSize", s -> sum(s, jobManager + "lastCheckpointSize", ANY) > 0);
        expected.put(
                jobManager + "numRestarts",
                s -> count(s, jobManager + "numRestarts", ANY) == 1 && sum(s, jobManager + "numRestarts", ANY) == 0);

        // Gauges and counters are read at each scrape; the last checkpoints' offsets may still be on their way.
        List<String> failing = List.copyOf(expected.keySet());
        String exposition = "";
        deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!failing.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            exposition = scrape(marker);
            events.set(p.events().values().stream().mapToLong(List::size).sum());
            List<Sample> samples = parse(exposition);
            failing = expected.entrySet().stream()
                    .filter(e -> !e.getValue().test(samples))
                    .map(Map.Entry::getKey)
                    .toList();
        }
        job.cancel().get();
        // The last scrape, for a look at names and labels (and the README's table of one run).
        Files.writeString(Path.of("target", "prometheus-scrape.txt"), exposition);
        assertThat(failing)
                .as("metrics missing or with a wrong value (scrape in job/target/prometheus-scrape.txt)")
                .isEmpty();
        assertThat(DocumentedMetrics.names())
                .as("README, Watch it: the documented metrics are the checked ones")
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
    }
}
