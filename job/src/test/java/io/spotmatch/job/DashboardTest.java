package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The Grafana dashboard of the compose setup asks only for metrics the job exports: every metric
 * a panel's PromQL names is in the README's table (Operations, Watch it), the list
 * PrometheusMetricsITCase finds in a running job's scrape. Prometheus scrapes the port the
 * cluster's reporter listens on, and Grafana reads the dashboard from the provisioned data source.
 */
class DashboardTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_]+");

    record Panel(String title, List<String> expressions, List<String> datasources) {}

    static List<Panel> panels() throws Exception {
        List<Panel> panels = new ArrayList<>();
        try (JsonParser json = new JsonFactory()
                .createParser(
                        ROOT.resolve("deploy/grafana/dashboards/spotmatch.json").toFile())) {
            assertThat(json.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                if (!field.equals("panels")) {
                    json.skipChildren();
                    continue;
                }
                while (json.nextToken() == JsonToken.START_OBJECT) {
                    panels.add(panel(json));
                }
            }
        }
        return panels;
    }

    /** One panel: its title, its targets' expressions and every data source uid it names. */
    private static Panel panel(JsonParser json) throws Exception {
        String title = null;
        List<String> expressions = new ArrayList<>();
        List<String> datasources = new ArrayList<>();
        int depth = 1;
        while (depth > 0) {
            JsonToken t = json.nextToken();
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                depth++;
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
            } else if (t == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                JsonToken value = json.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    depth++;
                } else if (name.equals("title") && depth == 1) {
                    title = json.getText();
                } else if (name.equals("expr")) {
                    expressions.add(json.getText());
                } else if (name.equals("uid")) {
                    datasources.add(json.getText());
                }
            }
        }
        return new Panel(title, expressions, datasources);
    }

    @Test
    void everyPanelQueriesOnlyMetricsTheJobExports() throws Exception {
        List<String> documented = DocumentedMetrics.names();
        assertThat(documented).isNotEmpty();
        List<Panel> panels = panels();
        assertThat(panels).extracting(Panel::title).doesNotContainNull();
        int metrics = 0;
        for (Panel panel : panels) {
            assertThat(panel.expressions()).as(panel.title()).isNotEmpty();
            for (String expr : panel.expressions()) {
                Matcher m = METRIC.matcher(expr);
                assertThat(m.find()).as(panel.title() + ": " + expr).isTrue();
                do {
                    // A histogram (a Prometheus summary) is also its _count and _sum.
                    String name = documented.contains(m.group())
                            ? m.group()
                            : m.group().replaceFirst("_(count|sum)$", "");
                    assertThat(documented)
                            .as(panel.title() + ": " + expr + " (README, Watch it)")
                            .contains(name);
                    metrics++;
                } while (m.find());
            }
        }
        assertThat(metrics).isGreaterThanOrEqualTo(panels.size());
    }

    @Test
    void theDashboardShowsThroughputLatencyLagDeadLettersAndCheckpoints() throws Exception {
        List<String> titles =
                panels().stream().map(p -> p.title().toLowerCase()).toList();
        for (String topic : List.of("throughput", "latency", "lag", "dead letters", "checkpoint")) {
            assertThat(titles).as(topic).anyMatch(t -> t.contains(topic));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesTheReporterPortAndGrafanaReadsThatPrometheus() throws Exception {
        Load yaml = new Load(LoadSettings.builder().build());
        String port = String.valueOf(((Map<String, Object>) ((Map<String, Object>)
                                ((Map<String, Object>) ((Map<String, Object>) yaml.loadFromString(
                                                        Files.readString(ROOT.resolve("flink-conf/config.yaml"))))
                                                .get("metrics"))
                                        .get("reporter"))
                        .get("prom"))
                .get("port"));
        Map<String, Object> prometheus = (Map<String, Object>)
                yaml.loadFromString(Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml")));
        String scrape = String.valueOf(prometheus.get("scrape_configs"));
        assertThat(scrape)
                .contains("jobmanager:" + port)
                .contains("names=[taskmanager]")
                .contains("port=" + port);

        Map<String, Object> datasources = (Map<String, Object>) yaml.loadFromString(
                Files.readString(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml")));
        Map<String, Object> source = ((List<Map<String, Object>>) datasources.get("datasources")).get(0);
        assertThat(source).containsEntry("url", "http://prometheus:9090");
        for (Panel panel : panels()) {
            assertThat(panel.datasources()).as(panel.title()).isNotEmpty().containsOnly((String) source.get("uid"));
        }

        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>)
                ((Map<String, Object>) yaml.loadFromString(Files.readString(ROOT.resolve("docker-compose.yml"))))
                        .get("services");
        assertThat((List<String>) services.get("prometheus").get("volumes"))
                .contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
        assertThat((List<String>) services.get("grafana").get("volumes"))
                .contains(
                        "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro",
                        "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro");
        Map<String, Object> dashboards = (Map<String, Object>) yaml.loadFromString(
                Files.readString(ROOT.resolve("deploy/grafana/provisioning/dashboards/spotmatch.yml")));
        assertThat(String.valueOf(dashboards.get("providers"))).contains("path=/var/lib/grafana/dashboards");
    }
}
