package io.spotmatch.job.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The job's own throughput and latency for the local run's progress lines, scraped from the
 * Prometheus reporter's endpoint the way an operator's Prometheus would (README, Watch it).
 */
final class JobMetrics {

    private static final Pattern SAMPLE = Pattern.compile(
            "^(flink_taskmanager_job_task_operator_" + "(?:commands|orderToEventLatency))\\{([^}]*)} (\\S+)$");
    private static final Pattern QUANTILE = Pattern.compile("quantile=\"([^\"]+)\"");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final URI endpoint;

    JobMetrics(int port) {
        this.endpoint = URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Commands the books took (all subtasks) and each latency quantile of the slowest subtask. */
    record Reading(long commands, Map<String, Double> latencyMillis) {
        String latency(String quantile) {
            Double ms = latencyMillis.get(quantile);
            return ms == null ? "-" : ms < 10 ? String.format("%.1f", ms) : String.format("%.0f", ms);
        }
    }

    Reading read() {
        String text;
        try {
            text = http.send(
                            HttpRequest.newBuilder(endpoint)
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return new Reading(0, Map.of()); // the reporter starts with the TaskManager
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reading(0, Map.of());
        }
        long commands = 0;
        Map<String, Double> latency = new TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches() || m.group(3).equals("NaN")) {
                continue;
            }
            double value = Double.parseDouble(m.group(3));
            if (m.group(1).endsWith("_commands")) {
                commands += (long) value;
            } else {
                Matcher q = QUANTILE.matcher(m.group(2));
                if (q.find()) {
                    latency.merge(q.group(1), value, Math::max);
                }
            }
        }
        return new Reading(commands, latency);
    }
}
