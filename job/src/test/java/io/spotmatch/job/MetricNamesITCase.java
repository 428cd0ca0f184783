package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metric name collisions a running job logs (one per checkpoint and Kafka sink subtask, from
 * Flink's sink committer) are all quieted by the deployed logging filter,
 * flink-conf/log4j-quiet.properties, and no other collision is logged: alarming warnings would
 * hide real ones. (The test logging configuration silences the warning's logger; this test
 * listens to it directly.)
 */
class MetricNamesITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    @Test
    void checkpointsOfARunningJobLogNoMetricNameCollision() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        AbstractAppender appender = new AbstractAppender("metric-warnings", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                warnings.add(event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        // AbstractMetricGroup logs through the logger of the MetricGroup interface.
        LoggerConfig logger = context.getConfiguration().getLoggerConfig("org.apache.flink.metrics");
        assertThat(logger.getName()).isEqualTo("org.apache.flink.metrics");
        Level level = logger.getLevel();
        logger.setLevel(Level.WARN);
        logger.addAppender(appender, Level.WARN, null);
        context.updateLoggers();
        try {
            for (String delivery : List.of("AT_LEAST_ONCE", "EXACTLY_ONCE")) {
                Pipeline p = new Pipeline(SERVERS, 2);
                p.produce(FailureRecoveryITCase.flow(p, 2_000, 4, 5));
                JobClient job = p.start(
                        Map.of(
                                "kafka.bounded",
                                "NONE",
                                "kafka.events-delivery",
                                delivery,
                                "kafka.dead-letter-delivery",
                                delivery),
                        Map.of(),
                        UnaryOperator.identity());
                p.awaitCaughtUp(job, Duration.ofMinutes(3));
                // A few more checkpoints (500 ms apart) after catching up.
                p.awaitCaughtUp(job, Duration.ofMinutes(3));
                Thread.sleep(3_000);
                job.cancel().get();
            }
        } finally {
            logger.removeAppender("metric-warnings");
            logger.setLevel(level);
            context.updateLoggers();
            appender.stop();
        }
        java.util.Properties quiet = new java.util.Properties();
        quiet.load(java.nio.file.Files.newBufferedReader(
                java.nio.file.Path.of("..", "flink-conf", "log4j-quiet.properties")));
        assertThat(quiet)
                .containsEntry("logger.spotmatchmetrics.name", "org.apache.flink.metrics")
                .containsEntry("logger.spotmatchmetrics.filter.harmless.onMatch", "DENY");
        org.apache.logging.log4j.core.filter.RegexFilter filter =
                org.apache.logging.log4j.core.filter.RegexFilter.createFilter(
                        quiet.getProperty("logger.spotmatchmetrics.filter.harmless.regex"),
                        null,
                        false,
                        org.apache.logging.log4j.core.Filter.Result.DENY,
                        org.apache.logging.log4j.core.Filter.Result.NEUTRAL);
        List<String> collisions =
                warnings.stream().filter(w -> w.contains("collision")).toList();
        assertThat(collisions)
                .as("the per-checkpoint committer warnings this guards against")
                .anyMatch(w -> w.contains("'pendingCommittables'"));
        assertThat(collisions)
                .allSatisfy(w -> assertThat(filter.filter(null, Level.WARN, null, (Object) w, null))
                        .as(w)
                        .isEqualTo(org.apache.logging.log4j.core.Filter.Result.DENY));
    }
}
