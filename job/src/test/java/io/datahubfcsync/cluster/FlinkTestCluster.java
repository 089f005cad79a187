package io.datahubfcsync.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.datahubfcsync.cluster.FlinkJvmLauncher.CommandResult;
import io.datahubfcsync.cluster.FlinkJvmLauncher.ResourceParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * A real Flink session cluster on 127.0.0.1: one JobManager and N TaskManagers, each a separate JVM started from the
 * Maven-built distribution jars the way {@code bin/*.sh} start them, driven only through the REST API the web UI
 * uses (and the CLI). Everything it started is stopped in {@link #close()}; a JVM shutdown hook and the kernel's
 * parent-death signal cover test JVMs that end any other way.
 */
public final class FlinkTestCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final Path workDir;
    private final Path confDir;
    private final Path logDir;
    private final Map<String, String> config;
    private final FlinkJvmLauncher launcher;
    private final FlinkRestClient rest;
    private final List<FlinkProcess> taskManagers = new ArrayList<>();
    private final Duration startupTime;
    private final List<String> perProcessPortKeys;
    /** key of {@link Builder#perProcessPort} -> process name -> the port that process was given. */
    private final Map<String, Map<String, Integer>> processPorts = new LinkedHashMap<>();

    private FlinkProcess jobManager;
    private ResourceParams taskManagerResources;
    private int nextTaskManagerIndex;

    private FlinkTestCluster(Builder builder) {
        long begin = System.nanoTime();
        this.workDir = builder.workDir();
        this.confDir = workDir.resolve("conf");
        this.logDir = workDir.resolve("log");
        this.config = FlinkConfigFiles.defaults(workDir);
        this.config.putAll(builder.config);
        Path distLib = distLib();
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FlinkConfigFiles.write(confDir, config);
        this.perProcessPortKeys = List.copyOf(builder.perProcessPortKeys);
        this.launcher = new FlinkJvmLauncher(distLib, distPlugins(), confDir, logDir, builder.environment);
        this.rest = new FlinkRestClient(URI.create("http://127.0.0.1:" + config.get("rest.port")));
        try {
            jobManager = launcher.start(
                    "jobmanager",
                    FlinkJvmLauncher.JOB_MANAGER_MAIN,
                    launcher.resourceParams("GET_JM_RESOURCE_PARAMS"),
                    portProperties("jobmanager"));
            // computed while the JobManager boots; every TaskManager uses the same answer
            taskManagerResources = launcher.resourceParams("GET_TM_RESOURCE_PARAMS");
            awaitRest();
            for (int i = 0; i < builder.taskManagers; i++) {
                taskManagers.add(launchTaskManager());
            }
            for (FlinkProcess tm : taskManagers) {
                awaitRegistered(tm);
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        this.startupTime = Duration.ofNanos(System.nanoTime() - begin);
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- cluster

    public URI restAddress() {
        return rest.base();
    }

    public FlinkRestClient rest() {
        return rest;
    }

    /** From constructor entry to every TaskManager registered. */
    public Duration startupTime() {
        return startupTime;
    }

    public Path workDir() {
        return workDir;
    }

    public Path savepointDir() {
        return workDir.resolve("savepoints");
    }

    public Map<String, String> configuration() {
        return Map.copyOf(config);
    }

    public FlinkProcess jobManager() {
        return jobManager;
    }

    /** Every TaskManager started so far, killed ones included, in start order; index = the {@code tm-i} resource id. */
    public List<FlinkProcess> taskManagers() {
        return List.copyOf(taskManagers);
    }

    /** Resource ids of the TaskManagers the JobManager currently lists. */
    public Set<String> registeredTaskManagers() {
        return StreamSupport.stream(
                        rest.get("/taskmanagers").path("taskmanagers").spliterator(), false)
                .map(tm -> tm.path("id").asText())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** SIGKILL of the TaskManager {@code tm-index}: no deregistration, the JobManager finds out by heartbeat. */
    public void killTaskManager(int index) {
        taskManagers.get(index).killHard();
    }

    public void killTaskManager(String resourceId) {
        killTaskManager(Integer.parseInt(resourceId.substring("tm-".length())));
    }

    /** Starts one more TaskManager and waits until the JobManager lists it; returns its resource id. */
    public String startTaskManager() {
        FlinkProcess tm = launchTaskManager();
        taskManagers.add(tm);
        awaitRegistered(tm);
        return tm.name();
    }

    /**
     * The port each process (JobManager, every TaskManager started so far) was given for a key registered with
     * {@link Builder#perProcessPort}, by process name in start order.
     */
    public Map<String, Integer> processPorts(String key) {
        Map<String, Integer> ports = processPorts.get(key);
        if (ports == null) {
            throw new IllegalArgumentException(
                    key + " was not registered with Builder.perProcessPort; registered: " + perProcessPortKeys);
        }
        return Map.copyOf(ports);
    }

    /** Log4j files and console output of every process this cluster started, by process name. */
    public Map<String, String> logs() {
        Map<String, String> logs = new LinkedHashMap<>();
        logs.put(jobManager.name(), jobManager.logText());
        taskManagers.forEach(tm -> logs.put(tm.name(), tm.logText()));
        return logs;
    }

    /** {@code bin/flink <args>} against this cluster, e.g. {@code run -d -s <path> -c <class> <jar> <args>}. */
    public CommandResult cli(Duration timeout, String... args) {
        return launcher.runCli(List.of(args), timeout);
    }

    /**
     * As {@link #cli(Duration, String...)}, but the CLI gets exactly {@code environment} as its extra variables instead
     * of the cluster's (e.g. an empty map: a client without credentials). ALIBABA_CLOUD_* of the test JVM stay out.
     */
    public CommandResult cli(Duration timeout, Map<String, String> environment, String... args) {
        return launcher.runCli(List.of(args), timeout, Map.copyOf(environment));
    }

    // ---------------------------------------------------------------- jars and jobs

    /** POST /jars/upload; returns the jar id used by {@link #runJar}. */
    public String uploadJar(Path jar) {
        String filename = rest.uploadJar(jar).path("filename").asText();
        return Path.of(filename).getFileName().toString();
    }

    /**
     * POST /jars/:id/run. The job's main runs inside the JobManager, so a main that rejects its arguments fails
     * here with a {@link FlinkRestException} whose body carries the error.
     *
     * @param savepointPath a savepoint or retained checkpoint to start from ({@code flink run -s}), or null
     */
    public String runJar(
            String jarId, String entryClass, List<String> args, Integer parallelism, String savepointPath) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entryClass", entryClass);
        body.put("programArgsList", args);
        if (parallelism != null) {
            body.put("parallelism", parallelism);
        }
        if (savepointPath != null) {
            body.put("savepointPath", savepointPath);
            body.put("allowNonRestoredState", false);
        }
        return rest.post("/jars/" + jarId + "/run", body).path("jobid").asText();
    }

    public JsonNode job(String jobId) {
        return rest.get("/jobs/" + jobId);
    }

    public String jobStatus(String jobId) {
        return job(jobId).path("state").asText();
    }

    /** Waits until the job has {@code status} and, for RUNNING, every vertex is RUNNING too (tasks deployed). */
    public JsonNode awaitJobStatus(String jobId, String status, Duration timeout) {
        return RestPoll.until(
                "job " + jobId + " " + status + (status.equals("RUNNING") ? " with all vertices running" : ""),
                timeout,
                () -> {
                    JsonNode job = job(jobId);
                    if (isTerminal(job.path("state").asText())
                            && !job.path("state").asText().equals(status)) {
                        throw new AssertionError(
                                "job " + jobId + " ended " + job.path("state").asText() + " while waiting for " + status
                                        + "; exceptions: " + exceptions(jobId));
                    }
                    boolean reached = job.path("state").asText().equals(status)
                            && (!status.equals("RUNNING") || allVerticesRunning(job));
                    return reached ? Optional.of(job) : Optional.empty();
                });
    }

    /** The job's vertices (operator chains) in topological order. */
    public List<JobVertex> vertices(String jobId) {
        return StreamSupport.stream(job(jobId).path("vertices").spliterator(), false)
                .map(v -> new JobVertex(
                        v.path("id").asText(),
                        v.path("name").asText(),
                        v.path("status").asText(),
                        v.path("parallelism").asInt()))
                .toList();
    }

    /** The vertex whose name contains {@code nameFragment} (chained operators share one vertex name). */
    public JobVertex vertex(String jobId, String nameFragment) {
        List<JobVertex> all = vertices(jobId);
        return all.stream()
                .filter(v -> v.name().contains(nameFragment))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no vertex named like '" + nameFragment + "' in " + all));
    }

    /** The attempt number of every subtask of every vertex: 0 unless the job was restarted. */
    public List<Integer> subtaskAttempts(String jobId) {
        List<Integer> attempts = new ArrayList<>();
        for (JobVertex v : vertices(jobId)) {
            for (JsonNode subtask :
                    rest.get("/jobs/" + jobId + "/vertices/" + v.id()).path("subtasks")) {
                attempts.add(subtask.path("attempt").asInt(-1));
            }
        }
        return attempts;
    }

    /** Resource ids of the TaskManagers that run subtasks of the vertex. */
    public Set<String> taskManagersRunning(String jobId, String vertexId) {
        return StreamSupport.stream(
                        rest.get("/jobs/" + jobId + "/vertices/" + vertexId)
                                .path("subtasks")
                                .spliterator(),
                        false)
                .map(s -> s.path("taskmanager-id").asText())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** GET /jobs/:id/exceptions: root exception and history, as the web UI's Exceptions tab shows them. */
    public JsonNode exceptions(String jobId) {
        return rest.get("/jobs/" + jobId + "/exceptions");
    }

    /** GET /jobs/:id/config: the execution config including the program arguments the UI shows to everyone. */
    public JsonNode jobConfig(String jobId) {
        return rest.get("/jobs/" + jobId + "/config");
    }

    /** GET /jobs/:id/jobmanager/config: the configuration the job runs with (the UI's job "Configuration" tab). */
    public JsonNode jobManagerJobConfig(String jobId) {
        return rest.get("/jobs/" + jobId + "/jobmanager/config");
    }

    public JsonNode checkpoints(String jobId) {
        return rest.get("/jobs/" + jobId + "/checkpoints");
    }

    public long completedCheckpoints(String jobId) {
        return checkpoints(jobId).path("counts").path("completed").asLong();
    }

    /** The retained path of the latest completed checkpoint, usable as {@code savepointPath} after a failure. */
    public Optional<String> latestCheckpointPath(String jobId) {
        JsonNode path = checkpoints(jobId).path("latest").path("completed").path("external_path");
        return path.isMissingNode() || path.isNull() ? Optional.empty() : Optional.of(path.asText());
    }

    /** {@code latest.restored}: what the current execution was restored from, if anything. */
    public Optional<JsonNode> latestRestored(String jobId) {
        JsonNode restored = checkpoints(jobId).path("latest").path("restored");
        return restored.isMissingNode() || restored.isNull() ? Optional.empty() : Optional.of(restored);
    }

    // ---------------------------------------------------------------- metrics

    /** Job-level metric, e.g. {@code numRestarts}; empty until the metric store has it. */
    public Optional<Double> jobMetric(String jobId, String metric) {
        return single(rest.get("/jobs/" + jobId + "/metrics?get=" + encode(metric)), "value");
    }

    /** Metric ids a vertex currently reports, e.g. {@code 0.counting.harness.processed}. */
    public List<String> vertexMetricIds(String jobId, String vertexId) {
        return StreamSupport.stream(
                        rest.get("/jobs/" + jobId + "/vertices/" + vertexId + "/metrics")
                                .spliterator(),
                        false)
                .map(m -> m.path("id").asText())
                .toList();
    }

    /** One subtask's metric: {@code metric} without the subtask prefix, e.g. {@code counting.harness.processed}. */
    public Optional<Double> subtaskMetric(String jobId, String vertexId, int subtask, String metric) {
        return single(
                rest.get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/" + subtask + "/metrics?get="
                        + encode(metric)),
                "value");
    }

    /** A metric aggregated over the vertex's subtasks; {@code agg} is one of min, max, sum, avg, skew. */
    public Optional<Double> aggregatedMetric(String jobId, String vertexId, String metric, String agg) {
        return single(
                rest.get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics?get=" + encode(metric)
                        + "&agg=" + agg),
                agg);
    }

    // ---------------------------------------------------------------- stop, cancel

    /** POST /jobs/:id/stop (no drain), waits for the savepoint and the FINISHED job; returns the savepoint path. */
    public String stopWithSavepoint(String jobId, Duration timeout) {
        Map<String, Object> body = Map.of(
                "drain",
                false,
                "formatType",
                "CANONICAL",
                "targetDirectory",
                savepointDir().toUri().toString());
        String requestId =
                rest.post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
        String path = RestPoll.until("savepoint of job " + jobId, timeout, () -> {
            JsonNode answer = rest.get("/jobs/" + jobId + "/savepoints/" + requestId);
            if (!answer.path("status").path("id").asText().equals("COMPLETED")) {
                return Optional.empty();
            }
            JsonNode operation = answer.path("operation");
            if (operation.has("failure-cause")) {
                throw new AssertionError(
                        "stop-with-savepoint of " + jobId + " failed: " + operation.path("failure-cause"));
            }
            return Optional.of(operation.path("location").asText());
        });
        awaitJobStatus(jobId, "FINISHED", timeout);
        return path;
    }

    /** PATCH /jobs/:id?mode=cancel and wait until CANCELED. */
    public void cancel(String jobId, Duration timeout) {
        rest.patch("/jobs/" + jobId + "?mode=cancel");
        awaitJobStatus(jobId, "CANCELED", timeout);
    }

    // ---------------------------------------------------------------- teardown

    /** Cancels what still runs, then stops every process: SIGTERM, SIGKILL after a grace period. */
    @Override
    public void close() {
        if (jobManager != null && jobManager.isAlive()) {
            try {
                for (JsonNode job : rest.get("/jobs").path("jobs")) {
                    if (!isTerminal(job.path("status").asText())) {
                        rest.patch("/jobs/" + job.path("id").asText() + "?mode=cancel");
                    }
                }
            } catch (RuntimeException ignored) {
                // the processes are stopped below either way
            }
        }
        taskManagers.stream().filter(FlinkProcess::isAlive).forEach(tm -> tm.stop(STOP_GRACE));
        if (jobManager != null && jobManager.isAlive()) {
            jobManager.stop(STOP_GRACE);
        }
    }

    // ---------------------------------------------------------------- internals

    private FlinkProcess launchTaskManager() {
        String name = "tm-" + nextTaskManagerIndex++;
        // the resource id names the TaskManager in the REST API (subtasks' taskmanager-id), so tests can pick it
        List<String> properties = new ArrayList<>(List.of("-D", "taskmanager.resource-id=" + name));
        properties.addAll(portProperties(name));
        return launcher.start(name, FlinkJvmLauncher.TASK_MANAGER_MAIN, taskManagerResources, properties);
    }

    /**
     * {@code -D key=port} with a fresh free port for each per-process key: all processes read one config.yaml, and a
     * dynamic property overrides it for one process (as {@code bin/taskmanager.sh start -D ...} would).
     */
    private List<String> portProperties(String processName) {
        List<String> properties = new ArrayList<>();
        for (String key : perProcessPortKeys) {
            int port = FlinkConfigFiles.freePort();
            processPorts.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(processName, port);
            properties.addAll(List.of("-D", key + "=" + port));
        }
        return properties;
    }

    private void awaitRest() {
        RestPoll.until("JobManager REST at " + rest.base(), START_TIMEOUT, () -> {
            requireAlive(jobManager);
            return Optional.of(rest.get("/overview"));
        });
    }

    private void awaitRegistered(FlinkProcess tm) {
        RestPoll.until(tm.name() + " registered at the JobManager", START_TIMEOUT, () -> {
            requireAlive(tm);
            requireAlive(jobManager);
            return registeredTaskManagers().contains(tm.name()) ? Optional.of(true) : Optional.empty();
        });
    }

    private static void requireAlive(FlinkProcess process) {
        if (!process.isAlive()) {
            // not an exception type RestPoll treats as "not yet": an Error ends the wait at once
            throw new AssertionError(process + " died during start-up; last log lines:\n" + process.tail(40));
        }
    }

    private static boolean allVerticesRunning(JsonNode job) {
        for (JsonNode vertex : job.path("vertices")) {
            if (!vertex.path("status").asText().equals("RUNNING")) {
                return false;
            }
        }
        return job.path("vertices").size() > 0;
    }

    private static boolean isTerminal(String status) {
        return Set.of("FINISHED", "CANCELED", "FAILED").contains(status);
    }

    private static Optional<Double> single(JsonNode metrics, String field) {
        if (!metrics.isArray() || metrics.isEmpty() || !metrics.get(0).has(field)) {
            return Optional.empty();
        }
        return Optional.of(metrics.get(0).path(field).asDouble());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Path distLib() {
        Path lib = Path.of(System.getProperty("flink.dist.lib", "target/flink-dist-lib"));
        try (var jars = Files.list(lib)) {
            if (jars.noneMatch(j -> j.getFileName().toString().startsWith("flink-runtime-"))) {
                throw new IllegalStateException(lib + " holds no flink-runtime jar");
            }
        } catch (IOException | IllegalStateException e) {
            throw new IllegalStateException(
                    "Flink distribution jars missing in " + lib.toAbsolutePath()
                            + ": run the cluster tests through 'mvn verify' (pre-integration-test copies them), or "
                            + "'mvn dependency:copy-dependencies@flink-dist-lib dependency:copy@flink-dist-lib-shared'",
                    e);
        }
        return lib.toAbsolutePath();
    }

    /** The plugins folder the build lays out like flink-dist's {@code plugins/}; null when the build made none. */
    private static Path distPlugins() {
        Path plugins = Path.of(System.getProperty("flink.dist.plugins", "target/flink-dist-plugins"));
        return Files.isDirectory(plugins) ? plugins.toAbsolutePath() : null;
    }

    /** One vertex of the job graph as GET /jobs/:id lists it. */
    public record JobVertex(String id, String name, String status, int parallelism) {}

    /** Options of a cluster to start. */
    public static final class Builder {
        private int taskManagers = 2;
        private final Map<String, String> config = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> perProcessPortKeys = new ArrayList<>();
        private String name = "cluster";

        /**
         * Gives every JobManager and TaskManager its own free port for {@code key} (e.g. a metric reporter's
         * {@code metrics.reporter.prom.port}), so several processes on one host never race for one port; read them
         * back with {@link FlinkTestCluster#processPorts}.
         */
        public Builder perProcessPort(String key) {
            perProcessPortKeys.add(key);
            return this;
        }

        public Builder taskManagers(int count) {
            this.taskManagers = count;
            return this;
        }

        /** Overrides or adds a config.yaml key (flat form, e.g. {@code restart-strategy.type}). */
        public Builder config(String key, String value) {
            config.put(key, value);
            return this;
        }

        /**
         * An environment variable of every Flink process (JobManager, TaskManagers, CLI). ALIBABA_CLOUD_* variables of
         * the test JVM are never inherited: a cluster has exactly the credentials given here.
         */
        public Builder environment(String key, String value) {
            environment.put(key, value);
            return this;
        }

        /** Names the work folder under target/flink-cluster, where logs stay after the test for inspection. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public FlinkTestCluster start() {
            return new FlinkTestCluster(this);
        }

        private Path workDir() {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
            Path root = Path.of(System.getProperty("flink.cluster.dir", "target/flink-cluster"));
            try {
                return Files.createDirectories(root.resolve(name + "-" + stamp)).toAbsolutePath();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
