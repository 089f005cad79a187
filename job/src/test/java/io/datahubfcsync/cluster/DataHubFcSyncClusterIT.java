package io.datahubfcsync.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.datahub.DemoProducer;
import io.datahubfcsync.local.datahub.ShardSnapshot;
import io.datahubfcsync.local.datahub.StoredRecord;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.metrics.MetricNames.Delivery;
import io.datahubfcsync.metrics.MetricNames.DeliveryShard;
import io.datahubfcsync.metrics.MetricNames;
import io.datahubfcsync.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole pipeline on a real cluster: the shaded job jar, submitted over REST to a JobManager and two
 * TaskManagers (separate JVMs), reads the DataHub emulator through the real SDK and invokes the FC emulator.
 * Records are produced through the real DataHub SDK; the claims are checked from the FC emulator's record of
 * invocations. The steps share one cluster and one growing topic, hence the order: normal delivery and metrics,
 * stop-with-savepoint and a rescaled resume, kill -9 of a TaskManager, and finally where the secret must not appear.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataHubFcSyncClusterIT {

    private static final String JOB_CLASS = "io.datahubfcsync.job.DataHubFcSyncJob";
    private static final String PROJECT = "shop";
    private static final String TOPIC = "orders";
    private static final String SERVICE = "svc";
    private static final String FUNCTION = "fn";
    private static final String SOURCE_NAME = "DataHub source " + PROJECT + "/" + TOPIC;
    private static final String FC_NAME = "FC " + SERVICE + "/" + FUNCTION;
    private static final int SHARDS = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private static DataHubEmulator datahub;
    private static FcEmulator fc;
    private static FlinkTestCluster cluster;
    private static String jarId;
    private static String jobId;
    private static final Map<String, String> FIGURES = new LinkedHashMap<>();

    @BeforeAll
    static void start() {
        Path jar = Path.of(System.getProperty("job.jar", "target/datahub-fc-sync-0.1.0-SNAPSHOT.jar"));
        assumeTrue(Files.isRegularFile(jar), "the shaded job jar " + jar + " is built by 'mvn package'");
        assumeTrue(jarHolds(jar, JOB_CLASS), JOB_CLASS + " is not in " + jar + " yet");

        datahub = DataHubEmulator.start();
        datahub.createProject(PROJECT);
        datahub.createTopic(PROJECT, TOPIC, SHARDS, null);
        fc = FcEmulator.builder().invocationLogCapacity(200_000).start();
        fc.createService(SERVICE);
        fc.deployFunction(SERVICE, FUNCTION, (input, output, context) -> output.write("{}".getBytes(StandardCharsets.UTF_8)));

        cluster = FlinkTestCluster.builder().name("datahub-fc-sync").taskManagers(2)
                .environment(CredentialsSource.ENV_ACCESS_KEY_ID, DataHubEmulator.TEST_ACCESS_KEY_ID)
                .environment(CredentialsSource.ENV_ACCESS_KEY_SECRET, DataHubEmulator.TEST_ACCESS_KEY_SECRET)
                .start();
        FIGURES.put("cluster start", cluster.startupTime().toMillis() + " ms");
        jarId = cluster.uploadJar(jar);
    }

    @AfterAll
    static void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
            assertThat(cluster.taskManagers()).noneMatch(FlinkProcess::isAlive);
            StringBuilder report = new StringBuilder();
            FIGURES.forEach((what, value) -> report.append(what).append(": ").append(value).append('\n'));
            Files.writeString(cluster.workDir().resolve("figures.txt"), report);
            System.out.print("DataHubFcSyncClusterIT figures\n" + report);
        }
        if (fc != null) {
            fc.close();
        }
        if (datahub != null) {
            datahub.close();
        }
    }

    @Test
    @Order(1)
    void deliversEveryProducedRecordInOrderAndShowsItsMetrics() {
        long begin = System.nanoTime();
        jobId = cluster.runJar(jarId, JOB_CLASS, jobArgs(), 2, null);
        cluster.awaitJobStatus(jobId, "RUNNING", TIMEOUT);
        FIGURES.put("submission of the job jar (run request to all vertices RUNNING)",
                Duration.ofNanos(System.nanoTime() - begin).toMillis() + " ms");
        assertThat(cluster.vertices(jobId)).extracting(FlinkTestCluster.JobVertex::name)
                .anySatisfy(name -> assertThat(name).contains(SOURCE_NAME))
                .anySatisfy(name -> assertThat(name).contains(FC_NAME));

        produce(2_000, 500);
        DeliveryLedger.Report report = awaitEverythingDelivered();
        FIGURES.put("steady state", report.toString());
        assertThat(report.orderViolations()).isEmpty();
        assertThat(report.repeatedExamples()).as("no failure happened, so nothing may repeat").isEmpty();

        // per shard, deliveredSequence reaches the last produced sequence; lag ~0 when idle
        String fcVertex = cluster.vertex(jobId, FC_NAME).id();
        for (ShardSnapshot shard : datahub.shards(PROJECT, TOPIC)) {
            long last = lastSequence(shard.shardId());
            String metric = metricName(fcVertex, "." + MetricNames.ofShard(shard.shardId(), DeliveryShard.DELIVERED_SEQUENCE));
            RestPoll.until("deliveredSequence of shard " + shard.shardId() + " = " + last, TIMEOUT,
                    () -> cluster.aggregatedMetric(jobId, fcVertex, metric, "max").filter(v -> v == last));
        }
        String lag = metricName(fcVertex, "." + Delivery.MAX_MILLIS_BEHIND_LATEST);
        RestPoll.until("lag near zero when idle", TIMEOUT,
                () -> cluster.aggregatedMetric(jobId, fcVertex, lag, "max").filter(v -> v >= 0 && v < 1_000));

        UiScreenshot.take(cluster.restAddress(), "#/job/running/" + jobId + "/overview",
                cluster.workDir().resolve("datahub-fc-sync-job.png")).ifPresent(png -> FIGURES.put("web UI screenshot", png.toString()));
    }

    @Test
    @Order(2)
    void stopWithSavepointAndResumeWithAnotherParallelismDeliversEachRecordOnce() {
        try (DemoProducer producer = producer(300)) {
            Await.until("records produced while the job runs", TIMEOUT, () -> producer.written() >= 600);
            String savepoint = cluster.stopWithSavepoint(jobId, TIMEOUT);
            Await.until("records produced while the job is stopped", TIMEOUT, () -> producer.written() >= 1_200);
            jobId = cluster.runJar(jarId, JOB_CLASS, jobArgs(), 3, savepoint);
            cluster.awaitJobStatus(jobId, "RUNNING", TIMEOUT);
            assertThat(cluster.latestRestored(jobId)).hasValueSatisfying(r -> assertThat(r.path("is_savepoint").asBoolean()).isTrue());
            Await.until("records produced after the resume", TIMEOUT, () -> producer.written() >= 1_800);
        }
        DeliveryLedger.Report report = awaitEverythingDelivered();
        FIGURES.put("stop-with-savepoint, resume at parallelism 3", report.toString());
        assertThat(report.orderViolations()).isEmpty();
        assertThat(report.repeatedExamples()).as("stop-with-savepoint then resume delivers each record exactly once").isEmpty();
    }

    @Test
    @Order(3)
    void recoversFromKillMinus9OfATaskManagerWithNothingLost() {
        String fcVertex = cluster.vertex(jobId, FC_NAME).id();
        long duplicatesBefore = DeliveryLedger.reconcile(produced(), fc.invocations().all()).duplicates();
        long recovery;
        try (DemoProducer producer = producer(300)) {
            long checkpoints = cluster.completedCheckpoints(jobId);
            RestPoll.until("a checkpoint while records flow", TIMEOUT, () -> cluster.completedCheckpoints(jobId) > checkpoints);
            String victim = cluster.taskManagersRunning(jobId, fcVertex).iterator().next();
            long killedAt = System.nanoTime();
            cluster.killTaskManager(victim);
            cluster.startTaskManager();
            RestPoll.until("the job restarted from a checkpoint with all tasks running", TIMEOUT, () -> {
                boolean restarted = cluster.jobMetric(jobId, "numRestarts").filter(n -> n >= 1).isPresent();
                Optional<JsonNode> restored = cluster.latestRestored(jobId).filter(r -> !r.path("is_savepoint").asBoolean());
                return restarted && restored.isPresent()
                        && cluster.vertices(jobId).stream().allMatch(v -> v.status().equals("RUNNING")) ? restored : Optional.empty();
            });
            recovery = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
            long afterRecovery = producer.written();
            Await.until("records produced after the recovery", TIMEOUT, () -> producer.written() >= afterRecovery + 300);
        }
        DeliveryLedger.Report report = awaitEverythingDelivered();
        FIGURES.put("kill -9 of a TaskManager: recovery (kill to all tasks RUNNING)", recovery + " ms");
        FIGURES.put("kill -9 of a TaskManager: records repeated after the failover", String.valueOf(report.duplicates() - duplicatesBefore));
        FIGURES.put("kill -9 of a TaskManager", report.toString());
        assertThat(report.orderViolations()).as("first deliveries per shard in sequence order").isEmpty();
    }

    @Test
    @Order(4)
    void theSecretAppearsNowhereInRestLogsOrExceptions() {
        String secret = DataHubEmulator.TEST_ACCESS_KEY_SECRET;
        Map<String, String> places = new LinkedHashMap<>();
        places.put("GET /jobs/:id/config", cluster.jobConfig(jobId).toString());
        places.put("GET /jobs/:id/jobmanager/config", cluster.jobManagerJobConfig(jobId).toString());
        places.put("GET /jobs/:id/exceptions", cluster.exceptions(jobId).toString());
        places.put("GET /jobmanager/config", cluster.rest().get("/jobmanager/config").toString());
        places.put("GET /jobmanager/environment", cluster.rest().get("/jobmanager/environment").toString());
        for (String tm : cluster.registeredTaskManagers()) {
            places.put("GET /taskmanagers/" + tm, cluster.rest().get("/taskmanagers/" + tm).toString());
        }
        cluster.logs().forEach((process, log) -> places.put("log of " + process, log));
        assertThat(places).allSatisfy((where, text) -> assertThat(text).as(where).doesNotContain(secret));
        assertThat(places.get("GET /jobs/:id/config")).as("the job parameters are visible, just not the secret").contains(TOPIC);
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> jobArgs() {
        return List.of("--datahub.endpoint", datahub.endpoint(), "--datahub.project", PROJECT, "--datahub.topic", TOPIC,
                "--fc.endpoint", fc.endpoint(), "--fc.account-id", fc.accountId(), "--region", fc.region(),
                "--fc.service", SERVICE, "--fc.function", FUNCTION,
                "--start", "OLDEST", "--batch.max-records", "50");
    }

    /** Writes through the real DataHub SDK, spread over the shards by partition key. */
    private static DemoProducer producer(double recordsPerSecond) {
        CredentialsSource credentials = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, DataHubEmulator.TEST_ACCESS_KEY_ID,
                CredentialsSource.ENV_ACCESS_KEY_SECRET, DataHubEmulator.TEST_ACCESS_KEY_SECRET));
        return DemoProducer.start(
                new DataHubConnection(datahub.endpoint(), DataHubProtocol.PROTOBUF, credentials).createSdkClient(),
                PROJECT, TOPIC, recordsPerSecond);
    }

    private static void produce(long records, double perSecond) {
        try (DemoProducer producer = producer(perSecond)) {
            Await.until(records + " records produced", TIMEOUT, () -> producer.written() >= records);
        }
    }

    private static Map<String, List<Long>> produced() {
        Map<String, List<Long>> produced = new LinkedHashMap<>();
        for (ShardSnapshot shard : datahub.shards(PROJECT, TOPIC)) {
            List<Long> sequences = new ArrayList<>();
            for (StoredRecord record : datahub.records(PROJECT, TOPIC, shard.shardId())) {
                sequences.add(record.sequence());
            }
            produced.put(shard.shardId(), sequences);
        }
        return produced;
    }

    private static long lastSequence(String shardId) {
        List<StoredRecord> records = datahub.records(PROJECT, TOPIC, shardId);
        return records.isEmpty() ? -1 : records.get(records.size() - 1).sequence();
    }

    private static DeliveryLedger.Report awaitEverythingDelivered() {
        // Await (not RestPoll): the probe is local, and a timeout then shows the last report
        return Await.value("every produced record delivered", TIMEOUT, Duration.ofMillis(250),
                () -> DeliveryLedger.reconcile(produced(), fc.invocations().all()), DeliveryLedger.Report::complete);
    }

    /** The vertex's metric whose id ends with {@code suffix}, without the subtask prefix. */
    private static String metricName(String vertexId, String suffix) {
        return RestPoll.until("a metric ending in " + suffix, TIMEOUT, () -> cluster.vertexMetricIds(jobId, vertexId).stream()
                .filter(id -> id.endsWith(suffix))
                .map(id -> id.substring(id.indexOf('.') + 1))
                .findFirst());
    }

    private static boolean jarHolds(Path jar, String className) {
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.getEntry(className.replace('.', '/') + ".class") != null;
        } catch (IOException e) {
            return false;
        }
    }
}
