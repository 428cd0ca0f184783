package io.spotmatch.job.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Flink standalone session cluster as separate JVMs, started as flink-dist's scripts start them:
 * a JobManager ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code
 * TaskManagerRunner}), each sized by Flink's own {@code BashJavaUtils}, on the classpath of what a
 * distribution has in {@code lib/} (the flink-lib module's {@code target/flink-lib.classpath}): no
 * SpotMatch class and no connector, so a job comes only from its jar, loaded child-first as on any
 * cluster. Configured by the repository's {@code flink-conf/config.yaml} with this machine's
 * addresses, ports, directories and sizes on top, written to {@code <home>/conf} where the {@code
 * flink} CLI ({@link #flink}) reads it too. Every process ends with {@link #close} or with this JVM.
 */
public final class StandaloneCluster implements AutoCloseable {

    static final String JOB_MANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    static final String CLI = "org.apache.flink.client.cli.CliFrontend";
    static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a command printed (stdout and stderr together) and its exit code. */
    public record Output(int exitCode, String text) {}

    private final Path home;
    private final String lib;
    private final Map<String, String> env;
    private int restPort;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::destroyAll, "standalone-cluster-shutdown");
    private int cliRuns;

    private StandaloneCluster(Path home, Map<String, String> env) {
        this.home = home.toAbsolutePath();
        this.lib = flinkLib();
        this.env = env;
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers with {@code slots} slots each, and
     * waits until every TaskManager has registered. {@code settings} go on top of
     * flink-conf/config.yaml; {@code env} is the environment of every process (the job's secrets).
     */
    public static StandaloneCluster start(
            Path home, int taskManagers, int slots, Map<String, String> settings, Map<String, String> env)
            throws Exception {
        StandaloneCluster cluster = new StandaloneCluster(home, env);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.writeConfiguration(slots, settings);
            cluster.startJobManager();
            for (int i = 1; i <= taskManagers; i++) {
                cluster.startTaskManager("taskmanager-" + i);
            }
            cluster.awaitTaskManagers(taskManagers, Duration.ofMinutes(2));
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The classpath of the cluster: a distribution's lib/, as the flink-lib module resolved it. */
    public static String flinkLib() {
        Path file = Path.of(System.getProperty("spotmatch.flink-lib", "../flink-lib/target/flink-lib.classpath"));
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "no Flink classpath at " + file.toAbsolutePath() + ": build the flink-lib module first", e);
        }
    }

    private void writeConfiguration(int slots, Map<String, String> settings) throws IOException {
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("log"));
        Path repoConf = Path.of(System.getProperty("spotmatch.flink-conf", "../flink-conf"));
        var c = GlobalConfiguration.loadConfiguration(repoConf.toString());
        // Fixed ports (9249) cannot be shared by several processes on one machine, and the reporter's jar is a plugin
        // of the image, not part of lib/.
        for (String key : List.copyOf(c.keySet())) {
            if (key.startsWith("metrics.reporter")) {
                c.removeKey(key);
            }
        }
        Map<String, String> local = new LinkedHashMap<>();
        local.put("jobmanager.rpc.address", "127.0.0.1");
        local.put("jobmanager.rpc.port", Integer.toString(freePort()));
        local.put("jobmanager.bind-host", "127.0.0.1");
        local.put("taskmanager.bind-host", "127.0.0.1");
        local.put("taskmanager.host", "127.0.0.1");
        local.put("rest.address", "127.0.0.1");
        local.put("rest.bind-address", "127.0.0.1");
        local.put("rest.port", Integer.toString(freePort()));
        local.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        local.put("jobmanager.memory.process.size", "1024m");
        local.put("taskmanager.memory.process.size", "1536m");
        local.put(
                "execution.checkpointing.dir",
                home.resolve("checkpoints").toUri().toString());
        local.put(
                "execution.checkpointing.savepoint-dir",
                home.resolve("savepoints").toUri().toString());
        local.put("io.tmp.dirs", Files.createDirectories(home.resolve("tmp")).toString());
        local.put(
                "web.upload.dir",
                Files.createDirectories(home.resolve("upload")).toString());
        local.putAll(settings);
        restPort = Integer.parseInt(local.get("rest.port"));
        local.forEach(c::setString);
        Files.write(conf.resolve("config.yaml"), ConfigurationUtils.convertConfigToWritableLines(c, true));

        // log4j.properties as flink-dist's, a file per process, plus the repository's filter of harmless warnings.
        List<String> log4j = new ArrayList<>(List.of(
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN"));
        log4j.addAll(Files.readAllLines(repoConf.resolve("log4j-quiet.properties")));
        Files.write(conf.resolve("log4j.properties"), log4j);
    }

    private void startJobManager() throws Exception {
        List<String> sizes = bashJavaUtils("GET_JM_RESOURCE_PARAMS");
        started(
                "jobmanager",
                java("jobmanager", jvmOptions(sizes.get(0)), lib, JOB_MANAGER, daemonArgs(sizes.get(1)))
                        .start());
    }

    /** Starts another TaskManager process, e.g. the replacement of a killed one. */
    public void startTaskManager(String name) throws Exception {
        if (processes.containsKey(name) && processes.get(name).isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        List<String> sizes = bashJavaUtils("GET_TM_RESOURCE_PARAMS");
        started(
                name,
                java(name, jvmOptions(sizes.get(0)), lib, TASK_MANAGER, daemonArgs(sizes.get(1)))
                        .start());
    }

    private synchronized void started(String name, Process p) {
        processes.put(name, p);
    }

    /** Kills a process as {@code kill -9} does (SIGKILL: no shutdown hook, no goodbye to the JobManager). */
    public void kill(String name) throws InterruptedException {
        Process p = processes.get(name);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** The TaskManagers the JobManager has registered, and those it still counts. */
    public int registeredTaskManagers() throws Exception {
        return get("/overview").get("taskmanagers").asInt();
    }

    public void awaitTaskManagers(int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Process jm = processes.get("jobmanager");
            if (!jm.isAlive()) {
                throw new IllegalStateException(
                        "the JobManager exited (" + jm.exitValue() + "): see " + log("jobmanager"));
            }
            try {
                if (registeredTaskManagers() == count) {
                    return;
                }
            } catch (IOException notYetListening) {
                // the JobManager is still starting
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        count + " TaskManagers did not register within " + timeout + ": see " + home.resolve("log"));
            }
            Thread.sleep(250);
        }
    }

    /** Runs Flink's CLI front end ({@code bin/flink}: {@code flink run ...}, {@code flink stop ...}) to its end. */
    public Output flink(String... args) throws Exception {
        String name = "flink-" + ++cliRuns;
        return finish(name, java(name, jvmOptions(""), lib, CLI, List.of(args)), Duration.ofMinutes(3));
    }

    /** Runs {@code java -cp <classpath> <main> <args>} with this cluster's environment, to its end. */
    public Output run(String classpath, String main, String... args) throws Exception {
        String name = "java-" + ++cliRuns;
        return finish(name, java(name, jvmOptions(""), classpath, main, List.of(args)), Duration.ofMinutes(3));
    }

    /** The REST endpoint (and web UI). */
    public String restAddress() {
        return "127.0.0.1:" + restPort;
    }

    /** A GET of the REST API, e.g. {@code /jobs/<id>}. */
    public JsonNode get(String path) throws Exception {
        return send(HttpRequest.newBuilder(rest(path)).GET());
    }

    /** A POST of a JSON body to the REST API. */
    public JsonNode post(String path, Object body) throws Exception {
        return send(HttpRequest.newBuilder(rest(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    /** {@code POST /jars/upload} of a jar (multipart, field {@code jarfile}); returns its id for /jars/:id/run. */
    public String upload(Path jar) throws Exception {
        String boundary = "spotmatch-" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        JsonNode r = send(HttpRequest.newBuilder(rest("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(jar),
                        HttpRequest.BodyPublishers.ofByteArray(tail))));
        String file = r.get("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /** The status of a job ({@code RUNNING}, {@code RESTARTING}, {@code FINISHED} ...). */
    public String jobStatus(String jobId) throws Exception {
        return get("/jobs/" + jobId).get("state").asText();
    }

    /** The directory of config.yaml, for the CLI ({@code FLINK_CONF_DIR}). */
    public Path confDir() {
        return home.resolve("conf");
    }

    public Path log(String process) {
        return home.resolve("log").resolve(process + ".log");
    }

    private URI rest(String path) {
        return URI.create("http://" + restAddress() + path);
    }

    private JsonNode send(HttpRequest.Builder request) throws Exception {
        // A client per request: a POST on a kept-alive connection the endpoint has closed fails and is not retried.
        // HTTP/1.1: the endpoint drops a request that asks to upgrade to HTTP/2.
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> r =
                http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IOException(r.request().uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Flink's sizing of a JobManager or TaskManager from the configuration: JVM options, then dynamic settings. */
    private List<String> bashJavaUtils(String command) throws Exception {
        Output out = finish(
                "sizes",
                java("sizes", List.of("-Xmx128m"), lib, BASH_JAVA_UTILS, List.of(command, "--configDir", conf())),
                Duration.ofMinutes(1));
        List<String> results = out.text()
                .lines()
                .filter(l -> l.startsWith(RESULT))
                .map(l -> l.substring(RESULT.length()).trim())
                .toList();
        if (out.exitCode() != 0 || results.size() < 2) {
            throw new IllegalStateException("BashJavaUtils " + command + " failed: " + out.text());
        }
        return results;
    }

    private List<String> jvmOptions(String sizes) {
        List<String> o = new ArrayList<>(Arrays.asList(sizes.isBlank() ? new String[0] : sizes.split(" ")));
        // The opens Flink's own config.yaml gives every process (env.java.opts.all), as this JVM has them.
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
                o.add(a);
            }
        }
        return o;
    }

    private List<String> daemonArgs(String dynamicSettings) {
        List<String> a = new ArrayList<>(List.of("--configDir", conf()));
        a.addAll(Arrays.asList(dynamicSettings.split(" ")).stream()
                .filter(s -> !s.isBlank())
                .toList());
        return a;
    }

    private String conf() {
        return home.resolve("conf").toString();
    }

    private ProcessBuilder java(
            String name, List<String> jvmOptions, String classpath, String main, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dlog.file=" + log(name));
        command.add("-Dlog4j.configurationFile="
                + home.resolve("conf/log4j.properties").toUri());
        command.add("-cp");
        command.add(classpath);
        command.add(main);
        command.addAll(args);
        ProcessBuilder b = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("log").resolve(name + ".out").toFile());
        b.environment().put("FLINK_CONF_DIR", conf());
        b.environment().putAll(env);
        return b;
    }

    /** Runs a command to its end; until then it is one of the processes that {@link #close} ends. */
    private Output finish(String name, ProcessBuilder b, Duration timeout) throws Exception {
        Process p = b.start();
        synchronized (this) {
            processes.put(name, p);
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(b.command() + " did not end within " + timeout);
            }
        } finally {
            p.destroyForcibly();
        }
        return new Output(
                p.exitValue(), Files.readString(b.redirectOutput().file().toPath()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private synchronized void destroyAll() {
        for (Process p : processes.values()) {
            p.destroyForcibly();
        }
        for (Process p : processes.values()) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }
}
