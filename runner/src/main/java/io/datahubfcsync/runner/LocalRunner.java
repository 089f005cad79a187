package io.datahubfcsync.runner;

import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.FieldType;
import com.aliyun.datahub.client.model.RecordSchema;
import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobConfig;
import io.datahubfcsync.job.JobPlan;
import io.datahubfcsync.job.JobStartupException;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.datahub.DemoProducer;
import io.datahubfcsync.local.datahub.ShardSnapshot;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.InvocationRecord;
import io.datahubfcsync.local.function.DemoFunction;
import io.datahubfcsync.option.Units;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-command local run: {@code mvn -q compile exec:exec}. Starts the local kit (DataHub and FC
 * emulators on 127.0.0.1, a 4-shard demo TUPLE topic with a producer, the sample {@link DemoFunction})
 * and runs the real job on an embedded Flink with the web UI, printing progress until Ctrl-C or
 * {@code --duration}. Given {@code --datahub.endpoint}, it starts no kit and runs the job against the
 * endpoints passed (every job parameter is accepted), still on the local Flink.
 *
 * <p>Runner options: {@code --duration <d>} (default: until Ctrl-C), {@code --ui.port <port>} (8081,
 * 0 for any), {@code --demo.shards <n>} (4), {@code --demo.rate <records/s>} (50),
 * {@code --parallelism <n>} (2). Never part of the cluster jar.
 */
public final class LocalRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);
    static final String DEMO_PROJECT = "demo_project";
    static final String DEMO_TOPIC = "demo_orders";
    static final String DEMO_SERVICE = "demo_service";
    static final String DEMO_FUNCTION = "demo_function";

    private final Map<String, String> jobArgs;
    private final Duration duration;
    private final int uiPort;
    private final int demoShards;
    private final double demoRate;
    private final int parallelism;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private DataHubEmulator datahub;
    private FcEmulator fc;
    private DemoFunction demo;
    private DemoProducer producer;
    private JobPlan plan;
    private JobClient job;
    /**
     * Completes when the job ends. The embedded cluster of a local run shuts down right after that,
     * so once it is done the job's status is read from it, never from the cluster.
     */
    private CompletableFuture<JobExecutionResult> jobResult;
    /** First line of the job's failure, or null while it has not failed. */
    private volatile String failure;

    private int actualUiPort;

    LocalRunner(String[] args) {
        Map<String, String> all = JobConfig.parseArgs(args);
        duration = all.containsKey("duration") ? parseDuration(all.remove("duration")) : null;
        uiPort = Integer.parseInt(all.getOrDefault("ui.port", "8081"));
        demoShards = Integer.parseInt(all.getOrDefault("demo.shards", "4"));
        demoRate = Double.parseDouble(all.getOrDefault("demo.rate", "50"));
        parallelism = Integer.parseInt(all.getOrDefault("parallelism", "2"));
        all.keySet().removeAll(List.of("ui.port", "demo.shards", "demo.rate", "parallelism"));
        jobArgs = all;
    }

    public static void main(String[] args) {
        LocalRunner runner;
        try {
            runner = new LocalRunner(args);
        } catch (RuntimeException e) {
            System.err.println("Bad arguments: " + e.getMessage());
            System.exit(2);
            return;
        }
        int code;
        try {
            code = runner.run();
        } catch (JobStartupException e) {
            code = 2; // already printed by DataHubFcSyncJob.prepare
        } catch (Exception e) {
            LOG.error("Local run failed", e);
            System.err.println("Local run failed: " + e);
            code = 1;
        } finally {
            runner.close();
        }
        System.exit(code);
    }

    int run() throws Exception {
        boolean kit = !jobArgs.containsKey("datahub.endpoint");
        if (kit) startKit();
        plan = DataHubFcSyncJob.prepare(toArgs(jobArgs));
        actualUiPort = uiPort == 0 ? freePort() : checkPortFree(uiPort);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flinkConfig());
        env.setParallelism(parallelism);
        job = DataHubFcSyncJob.start(env, plan);
        jobResult = job.getJobExecutionResult();
        LOG.info(
                "Job {} submitted. Flink web UI: http://localhost:{}/#/job/running/{}/overview",
                plan.jobName(),
                actualUiPort,
                job.getJobID());

        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        JobStatus ended = null;
        while (!stop.await(5, TimeUnit.SECONDS)) {
            JobStatus status = jobStatus();
            printProgress(status);
            if (status.isGloballyTerminalState()) {
                ended = status;
                break;
            }
            if (System.nanoTime() > deadline) break;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the JVM is already exiting; close() below still runs in this thread first
        }
        int code = kit ? drainAndReport() : 0;
        if (ended == null) ended = jobStatus();
        if (ended == JobStatus.FAILED) {
            System.err.println("Job " + plan.jobName() + " FAILED: " + failure);
            return 1;
        }
        if (ended == JobStatus.FINISHED)
            LOG.info("Job {} FINISHED (bounded run: every shard passed `stop`)", plan.jobName());
        return code;
    }

    /**
     * The job's status; once the job has ended, from its result, because the embedded cluster has
     * shut down by then and can no longer be asked.
     */
    JobStatus jobStatus() throws InterruptedException {
        if (!jobResult.isDone()) {
            try {
                return job.getJobStatus().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException
                    | IllegalStateException e) {
                if (!jobResult.isDone()) throw new IllegalStateException("The local Flink cluster does not answer", e);
                // it ended while we asked: fall through to its result
            }
        }
        try {
            jobResult.join();
            return JobStatus.FINISHED;
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            if (failure == null) failure = firstLineOfFailure(e);
            return isCancellation(e) ? JobStatus.CANCELED : JobStatus.FAILED;
        }
    }

    /** The first line of the most telling message: this project's own exception if there is one, else the root cause. */
    static String firstLineOfFailure(Throwable t) {
        Throwable pick = null;
        Throwable root = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (pick == null && c.getClass().getName().startsWith("io.datahubfcsync.")) pick = c;
            root = c;
        }
        if (pick == null) pick = root;
        String message = pick.getMessage() == null ? pick.getClass().getName() : pick.getMessage();
        int eol = message.indexOf('\n');
        return eol < 0 ? message : message.substring(0, eol);
    }

    private static boolean isCancellation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.util.concurrent.CancellationException
                    || c.getClass().getSimpleName().equals("JobCancellationException")) return true;
        }
        return false;
    }

    private void startKit() throws IOException {
        datahub = DataHubEmulator.start();
        resources.add(datahub);
        datahub.createProject(DEMO_PROJECT);
        datahub.createTopic(DEMO_PROJECT, DEMO_TOPIC, demoShards, demoSchema());
        fc = FcEmulator.start();
        resources.add(fc);
        demo = new DemoFunction();
        // the same demo function as FC 3.0 (the default, as the console creates functions today) and as an
        // FC 2.0 function of a service, for --fc.api-version 2016-08-15
        fc.deployFunction3(DEMO_FUNCTION, demo);
        fc.createService(DEMO_SERVICE);
        fc.deployFunction(DEMO_SERVICE, DEMO_FUNCTION, demo);

        // The emulators' local test key, handed over in a file as a production job would get a rotated STS token.
        Path credentials = Paths.get("target", "local-kit", "credentials");
        Files.createDirectories(credentials.getParent());
        Files.write(
                credentials,
                ("access_key_id = " + DataHubEmulator.TEST_ACCESS_KEY_ID + "\naccess_key_secret = "
                                + DataHubEmulator.TEST_ACCESS_KEY_SECRET + "\n")
                        .getBytes(StandardCharsets.UTF_8));

        Map<String, String> kitArgs = new LinkedHashMap<>();
        kitArgs.put("datahub.endpoint", datahub.endpoint());
        kitArgs.put("datahub.project", DEMO_PROJECT);
        kitArgs.put("datahub.topic", DEMO_TOPIC);
        kitArgs.put("fc.endpoint", fc.endpoint());
        kitArgs.put("fc.account-id", fc.accountId());
        kitArgs.put("region", fc.region());
        if ("2016-08-15".equals(jobArgs.get("fc.api-version"))) kitArgs.put("fc.service", DEMO_SERVICE);
        kitArgs.put("fc.function", DEMO_FUNCTION);
        kitArgs.put("start", "OLDEST");
        kitArgs.put("batch.max-wait", "200ms");
        kitArgs.put("datahub.shard-discovery-interval", "2s");
        kitArgs.put("credentials.file", credentials.toString());
        kitArgs.putAll(jobArgs); // the user's parameters win
        jobArgs.clear();
        jobArgs.putAll(kitArgs);

        producer = DemoProducer.start(
                new DataHubConnection(
                                datahub.endpoint(),
                                DataHubProtocol.PROTOBUF,
                                CredentialsSource.fromFile(credentials.toString()))
                        .createSdkClient(),
                DEMO_PROJECT,
                DEMO_TOPIC,
                demoRate);
        resources.add(producer);
        LOG.info(
                "Local kit: DataHub emulator {} (topic {}/{}, {} shards, producing {} records/s), FC emulator {}"
                        + " (FC 3.0 function {}, FC 2.0 function {}/{} = {})",
                datahub.endpoint(),
                DEMO_PROJECT,
                DEMO_TOPIC,
                demoShards,
                demoRate,
                fc.endpoint(),
                DEMO_FUNCTION,
                DEMO_SERVICE,
                DEMO_FUNCTION,
                DemoFunction.class.getSimpleName());
    }

    /** The demo topic: an order with one field of each common type. */
    private static RecordSchema demoSchema() {
        RecordSchema s = new RecordSchema();
        s.addField(new Field("order_id", FieldType.BIGINT));
        s.addField(new Field("customer", FieldType.STRING));
        s.addField(new Field("amount", FieldType.DOUBLE));
        s.addField(new Field("paid", FieldType.BOOLEAN));
        s.addField(new Field("created_at", FieldType.TIMESTAMP));
        return s;
    }

    private Configuration flinkConfig() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("rest.port", String.valueOf(actualUiPort));
        m.put("rest.address", "localhost");
        m.put("rest.bind-address", "127.0.0.1");
        m.put(
                "web.log.path",
                Paths.get("target", "local-run.log").toAbsolutePath().toString()); // the UI's log tab
        m.put("execution.checkpointing.interval", "5s");
        m.put(
                "execution.checkpointing.dir",
                Paths.get("target", "local-checkpoints")
                        .toAbsolutePath()
                        .toUri()
                        .toString());
        m.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        m.put("restart-strategy.type", "exponential-delay");
        m.put("taskmanager.numberOfTaskSlots", String.valueOf(Math.max(2, parallelism)));
        m.put("pipeline.auto-generate-uids", "false");
        return Configuration.fromMap(m);
    }

    private void printProgress(JobStatus jobStatus) {
        String status = jobStatus.name();
        if (demo == null) {
            LOG.info("job {}", status);
            return;
        }
        long produced = 0;
        for (ShardSnapshot s : datahub.shards(DEMO_PROJECT, DEMO_TOPIC)) produced += s.nextSequence();
        long delivered = 0;
        long oldestDelivered = Long.MAX_VALUE;
        for (DemoFunction.ShardSummary s : demo.summary().values()) {
            delivered += s.lastSequence() + 1;
            oldestDelivered = Math.min(oldestDelivered, s.lastSystemTime());
        }
        long failed = fc.invocations().total() - fc.invocations().count(InvocationRecord.Outcome.SUCCESS);
        String lag = delivered >= produced || oldestDelivered == Long.MAX_VALUE
                ? "0.0 s"
                : String.format("%.1f s", (System.currentTimeMillis() - oldestDelivered) / 1000.0);
        LOG.info(
                "job {} | produced {} | delivered {} | lag {} | failed invocations {} | {}",
                status,
                produced,
                delivered,
                lag,
                failed,
                demo.summaryLine());
    }

    /**
     * Stops producing, waits (bounded) until everything the job is meant to deliver was delivered,
     * and reports: every record produced, or in a bounded run ({@code --stop}) every record before
     * the stop time.
     */
    private int drainAndReport() throws Exception {
        producer.close();
        Long stopMs = plan.config().stopMs();
        long expected = expectedDeliveries(stopMs);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long delivered;
        do {
            delivered = 0;
            for (DemoFunction.ShardSummary s : demo.summary().values()) delivered += s.lastSequence() + 1;
            if (delivered >= expected || jobResult.isDone()) break;
            TimeUnit.MILLISECONDS.sleep(200); // polling the function's tally, bounded by the deadline above
        } while (System.nanoTime() < deadline);
        long gapsOrReorders = demo.summary().values().stream()
                .mapToLong(s -> s.gaps() + s.reorders())
                .sum();
        LOG.info(
                "Done: {} {}, delivered {} in order per shard ({} gaps or reorders). {}",
                stopMs == null ? "produced" : "produced before the stop time",
                expected,
                delivered,
                gapsOrReorders,
                demo.summaryLine());
        return delivered >= expected && gapsOrReorders == 0 ? 0 : 1;
    }

    /** Records of the demo topic the job must deliver: all, or those before {@code stopMs}. */
    private long expectedDeliveries(Long stopMs) {
        long expected = 0;
        for (ShardSnapshot s : datahub.shards(DEMO_PROJECT, DEMO_TOPIC)) {
            if (stopMs == null) {
                expected += s.nextSequence();
            } else {
                expected += datahub.records(DEMO_PROJECT, DEMO_TOPIC, s.shardId()).stream()
                        .filter(r -> r.systemTime() < stopMs)
                        .count();
            }
        }
        return expected;
    }

    void close() {
        if (job != null && !jobResult.isDone()) {
            try {
                if (!job.getJobStatus().get(5, TimeUnit.SECONDS).isGloballyTerminalState()) {
                    job.cancel().get(20, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                LOG.debug("cancel on close", e);
            }
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.debug("close", e);
            }
        }
        resources.clear();
    }

    /** First line of the job's failure, or null if it did not fail. */
    String failureLine() {
        return failure;
    }

    int uiPort() {
        return actualUiPort;
    }

    private static String[] toArgs(Map<String, String> m) {
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> {
            out.add("--" + k);
            out.add(v);
        });
        return out.toArray(new String[0]);
    }

    private static Duration parseDuration(String s) {
        try {
            return Units.duration(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--duration '" + s + "': " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int checkPortFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Port " + port + " for the Flink web UI is in use (another Flink or local run?)."
                            + " Stop it, or pass -Djob.args=\"--ui.port 8082\".");
        }
    }
}
