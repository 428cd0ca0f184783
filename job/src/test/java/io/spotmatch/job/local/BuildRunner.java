package io.spotmatch.job.local;

import io.spotmatch.job.Schema;
import io.spotmatch.job.SpotMatchJob;
import io.spotmatch.job.SpotMatchOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One build's topology in a JVM of its own, for {@link EndToEndBenchmark}'s {@code --previous}: a
 * local Flink set up as the benchmark's, then one bounded run per line of standard input (the job's
 * options as tab-separated {@code key=value}, {@code env.NAME=value} for its environment,
 * {@code flink-conf.KEY=value} for a Flink option set on the job's configuration), each
 * answered by one line {@code BUILDRUNNER RESULT ok <seconds>} (or {@code failed <why>}).
 *
 * <p>It is one class with no nested classes and calls only {@code SpotMatchOptions.fromMap},
 * {@code SpotMatchJob.jobConfiguration}, {@code SpotMatchJob.build} and {@code Schema.apply}, so the
 * benchmark can put this compiled file on the classpath of an older build that has no runner of its
 * own. Each run's schema is created by the benchmark and filled by that build's own {@code Schema}.
 *
 * <p>Arguments: slots, checkpoint directory URI.
 */
public final class BuildRunner {

    static final String PREFIX = "BUILDRUNNER ";
    static final String FLINK_OPTION = "flink-conf.";

    private BuildRunner() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("log4j2.configurationFile", "log4j2-local.properties");
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(RestOptions.PORT, 0);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("512m"));
        String checkpoints = args[1];
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(Integer.parseInt(args[0]))
                .build())) {
            cluster.start();
            System.out.println(PREFIX + "READY");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Map<String, String> options = new LinkedHashMap<>();
                Map<String, String> env = new LinkedHashMap<>();
                Map<String, String> flink = new LinkedHashMap<>();
                for (String kv : line.split("\t")) {
                    String k = kv.substring(0, kv.indexOf('='));
                    String v = kv.substring(kv.indexOf('=') + 1);
                    if (k.startsWith("env.")) {
                        env.put(k.substring(4), v);
                    } else if (k.startsWith(FLINK_OPTION)) {
                        flink.put(k.substring(FLINK_OPTION.length()), v);
                    } else {
                        options.put(k, v);
                    }
                }
                try {
                    SpotMatchOptions o = SpotMatchOptions.fromMap(options, env);
                    try (Connection c = DriverManager.getConnection(
                            o.jdbcUrl(), options.get("jdbc.user"), env.get("SPOTMATCH_JDBC_PASSWORD"))) {
                        Schema.apply(c);
                    }
                    Configuration jc = SpotMatchJob.jobConfiguration(o);
                    jc.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints);
                    jc.addAll(Configuration.fromMap(flink));
                    StreamExecutionEnvironment e = StreamExecutionEnvironment.getExecutionEnvironment(jc);
                    SpotMatchJob.build(e, o);
                    JobGraph graph = e.getStreamGraph().getJobGraph();
                    System.out.println(PREFIX + "STARTING");
                    long start = System.nanoTime();
                    cluster.submitJob(graph).get();
                    JobResult result =
                            cluster.requestJobResult(graph.getJobID()).get();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.println(
                            PREFIX + "RESULT " + (result.isSuccess() ? "ok " + seconds : "failed job failed"));
                } catch (Exception | LinkageError e) {
                    System.out.println(PREFIX + "RESULT failed " + e.toString().replace('\n', ' '));
                }
            }
        }
        System.exit(0);
    }
}
