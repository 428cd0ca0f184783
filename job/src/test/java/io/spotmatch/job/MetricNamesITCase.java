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
 * A running job logs no metric name collisions: one per checkpoint and sink fills an operator's log
 * with alarming warnings that hide real ones. (The test logging configuration silences the logger
 * of the warning; this test listens to it directly.)
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
                JobClient job = p.start(Map.of("kafka.bounded", "NONE", "kafka.events-delivery", delivery,
                        "kafka.dead-letter-delivery", delivery), Map.of(), UnaryOperator.identity());
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
        warnings.forEach(w -> System.out.println("metric warning: " + w));
        assertThat(warnings).filteredOn(w -> w.contains("collision")).isEmpty();
    }
}
