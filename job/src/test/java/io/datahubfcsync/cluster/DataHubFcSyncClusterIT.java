package io.datahubfcsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.datahub.DemoProducer;
import io.datahubfcsync.local.datahub.ShardSnapshot;
import io.datahubfcsync.local.datahub.StoredRecord;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.metrics.MetricNames;
import io.datahubfcsync.metrics.MetricNames.Delivery;
import io.datahubfcsync.metrics.MetricNames.DeliveryShard;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.KitConnections;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole pipeline on a real cluster: the shaded job jar, submitted over REST to a JobManager and two
 * TaskManagers (separate JVMs), reads the DataHub emulator through the real SDK and invokes the FC emulator.
 * Records are produced through the real DataHub SDK; the claims are checked from the FC emulator's record of
 * invocations. The steps share one cluster and one growing topic, hence the order: normal delivery and metrics,
 * stop-with-savepoint and a rescaled resume, kill -9 of a TaskManager, and finally where the secret must not appear.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataHubFcSyncClusterIT {

    private static final String PROJECT = "shop";
    private static final String TOPIC = "orders";
    private static final String SERVICE = "svc";
    private static final String FUNCTION = "fn";
    private static final String SOURCE_NAME = "DataHub source " + PROJECT + "/" + TOPIC;
    private static final String FC_NAME = "FC " + SERVICE + "/" + FUNCTION;
    private static final int SHARDS = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private static ClusterKit kit;
    private static String jobId;

    @BeforeAll
    static void start() {
        assumeTrue(
                jarHolds(ClusterKit.jobJar(), ClusterKit.JOB_CLASS),
                ClusterKit.JOB_CLASS + " is not in the job jar yet");
        kit = ClusterKit.builder("datahub-fc-sync", DataHubFcSyncClusterIT.class)
                .fc(FcEmulator.builder().invocationLogCapacity(200_000))
                .start();
        kit.figure("cluster start", kit.cluster.startupTime().toMillis() + " ms");
        kit.topic(PROJECT, TOPIC, SHARDS);
        kit.function(SERVICE, FUNCTION);
    }

    @AfterAll
    static void stop() {
        if (kit != null) {
            kit.close();
            assertThat(kit.cluster.taskManagers()).noneMatch(FlinkProcess::isAlive);
        }
    }

    @Test
    @Order(1)
    void deliversEveryProducedRecordInOrderAndShowsItsMetrics() {
        long begin = System.nanoTime();
        jobId = kit.submit(jobArgs(), 2, null);
        kit.cluster.awaitJobStatus(jobId, "RUNNING", TIMEOUT);
        kit.figure(
                "submission of the job jar (run request to all vertices RUNNING)",
                Duration.ofNanos(System.nanoTime() - begin).toMillis() + " ms");
        assertThat(kit.cluster.vertices(jobId))
                .extracting(FlinkTestCluster.JobVertex::name)
                .anySatisfy(name -> assertThat(name).contains(SOURCE_NAME))
                .anySatisfy(name -> assertThat(name).contains(FC_NAME));

        produce(2_000, 500);
        DeliveryLedger.Report report = awaitEverythingDelivered();
        kit.figure("steady state", report.toString());
        assertThat(report.orderViolations()).isEmpty();
        assertThat(report.repeatedExamples())
                .as("no failure happened, so nothing may repeat")
                .isEmpty();

        // per shard, deliveredSequence reaches the last produced sequence; lag ~0 when idle
        String fcVertex = kit.cluster.vertex(jobId, FC_NAME).id();
        for (ShardSnapshot shard : kit.datahub.shards(PROJECT, TOPIC)) {
            long last = lastSequence(shard.shardId());
            String metric =
                    metricName(fcVertex, "." + MetricNames.ofShard(shard.shardId(), DeliveryShard.DELIVERED_SEQUENCE));
            RestPoll.until(
                    "deliveredSequence of shard " + shard.shardId() + " = " + last,
                    TIMEOUT,
                    () -> kit.cluster
                            .aggregatedMetric(jobId, fcVertex, metric, "max")
                            .filter(v -> v == last));
        }
        String lag = metricName(fcVertex, "." + Delivery.MAX_MILLIS_BEHIND_LATEST);
        RestPoll.until(
                "lag near zero when idle",
                TIMEOUT,
                () -> kit.cluster.aggregatedMetric(jobId, fcVertex, lag, "max").filter(v -> v >= 0 && v < 1_000));

        UiScreenshot.take(
                        kit.cluster.restAddress(),
                        "#/job/running/" + jobId + "/overview",
                        kit.cluster.workDir().resolve("datahub-fc-sync-job.png"))
                .ifPresent(png -> kit.figure("web UI screenshot", png.toString()));
    }

    @Test
    @Order(2)
    void stopWithSavepointAndResumeWithAnotherParallelismDeliversEachRecordOnce() {
        try (DemoProducer producer = producer(300)) {
            Await.until("records produced while the job runs", TIMEOUT, () -> producer.written() >= 600);
            String savepoint = kit.cluster.stopWithSavepoint(jobId, TIMEOUT);
            Await.until("records produced while the job is stopped", TIMEOUT, () -> producer.written() >= 1_200);
            jobId = kit.submit(jobArgs(), 3, savepoint);
            kit.cluster.awaitJobStatus(jobId, "RUNNING", TIMEOUT);
            assertThat(kit.cluster.latestRestored(jobId))
                    .hasValueSatisfying(
                            r -> assertThat(r.path("is_savepoint").asBoolean()).isTrue());
            Await.until("records produced after the resume", TIMEOUT, () -> producer.written() >= 1_800);
        }
        DeliveryLedger.Report report = awaitEverythingDelivered();
        kit.figure("stop-with-savepoint, resume at parallelism 3", report.toString());
        assertThat(report.orderViolations()).isEmpty();
        assertThat(report.repeatedExamples())
                .as("stop-with-savepoint then resume delivers each record exactly once")
                .isEmpty();
    }

    @Test
    @Order(3)
    void recoversFromKillMinus9OfATaskManagerWithNothingLost() {
        String fcVertex = kit.cluster.vertex(jobId, FC_NAME).id();
        long duplicatesBefore =
                DeliveryLedger.reconcile(produced(), kit.fc.invocations().all()).duplicates();
        long recovery;
        try (DemoProducer producer = producer(300)) {
            long checkpoints = kit.cluster.completedCheckpoints(jobId);
            RestPoll.until(
                    "a checkpoint while records flow",
                    TIMEOUT,
                    () -> kit.cluster.completedCheckpoints(jobId) > checkpoints);
            String victim =
                    kit.cluster.taskManagersRunning(jobId, fcVertex).iterator().next();
            long killedAt = System.nanoTime();
            kit.cluster.killTaskManager(victim);
            kit.cluster.startTaskManager();
            RestPoll.until("the job restarted from a checkpoint with all tasks running", TIMEOUT, () -> {
                boolean restarted = kit.cluster
                        .jobMetric(jobId, "numRestarts")
                        .filter(n -> n >= 1)
                        .isPresent();
                Optional<JsonNode> restored = kit.cluster
                        .latestRestored(jobId)
                        .filter(r -> !r.path("is_savepoint").asBoolean());
                return restarted
                                && restored.isPresent()
                                && kit.cluster.vertices(jobId).stream()
                                        .allMatch(v -> v.status().equals("RUNNING"))
                        ? restored
                        : Optional.empty();
            });
            recovery = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
            long afterRecovery = producer.written();
            Await.until(
                    "records produced after the recovery", TIMEOUT, () -> producer.written() >= afterRecovery + 300);
        }
        DeliveryLedger.Report report = awaitEverythingDelivered();
        kit.figure("kill -9 of a TaskManager: recovery (kill to all tasks RUNNING)", recovery + " ms");
        kit.figure(
                "kill -9 of a TaskManager: records repeated after the failover",
                String.valueOf(report.duplicates() - duplicatesBefore));
        kit.figure("kill -9 of a TaskManager", report.toString());
        assertThat(report.orderViolations())
                .as("first deliveries per shard in sequence order")
                .isEmpty();
    }

    @Test
    @Order(4)
    void theSecretAppearsNowhereInRestLogsOrExceptions() {
        String secret = DataHubEmulator.TEST_ACCESS_KEY_SECRET;
        Map<String, String> places = new LinkedHashMap<>();
        places.put("GET /jobs/:id/config", kit.cluster.jobConfig(jobId).toString());
        places.put(
                "GET /jobs/:id/jobmanager/config",
                kit.cluster.jobManagerJobConfig(jobId).toString());
        places.put("GET /jobs/:id/exceptions", kit.cluster.exceptions(jobId).toString());
        places.put(
                "GET /jobmanager/config",
                kit.cluster.rest().get("/jobmanager/config").toString());
        places.put(
                "GET /jobmanager/environment",
                kit.cluster.rest().get("/jobmanager/environment").toString());
        for (String tm : kit.cluster.registeredTaskManagers()) {
            places.put(
                    "GET /taskmanagers/" + tm,
                    kit.cluster.rest().get("/taskmanagers/" + tm).toString());
        }
        kit.cluster.logs().forEach((process, log) -> places.put("log of " + process, log));
        assertThat(places)
                .allSatisfy((where, text) -> assertThat(text).as(where).doesNotContain(secret));
        assertThat(places.get("GET /jobs/:id/config"))
                .as("the job parameters are visible, just not the secret")
                .contains(TOPIC);
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> jobArgs() {
        return kit.args(PROJECT, TOPIC, SERVICE, FUNCTION, "--start", "OLDEST", "--batch.max-records", "50");
    }

    /** Writes through the real DataHub SDK, spread over the shards by partition key. */
    private static DemoProducer producer(double recordsPerSecond) {
        return DemoProducer.start(
                KitConnections.dataHub(kit.datahub).createSdkClient(), PROJECT, TOPIC, recordsPerSecond);
    }

    private static void produce(long records, double perSecond) {
        try (DemoProducer producer = producer(perSecond)) {
            Await.until(records + " records produced", TIMEOUT, () -> producer.written() >= records);
        }
    }

    private static Map<String, List<Long>> produced() {
        return DeliveryLedger.produced(kit.datahub, PROJECT, TOPIC);
    }

    private static long lastSequence(String shardId) {
        List<StoredRecord> records = kit.datahub.records(PROJECT, TOPIC, shardId);
        return records.isEmpty() ? -1 : records.get(records.size() - 1).sequence();
    }

    private static DeliveryLedger.Report awaitEverythingDelivered() {
        // Await (not RestPoll): the probe is local, and a timeout then shows the last report
        return Await.value(
                "every produced record delivered",
                TIMEOUT,
                Duration.ofMillis(250),
                () -> DeliveryLedger.reconcile(produced(), kit.fc.invocations().all()),
                DeliveryLedger.Report::complete);
    }

    /** The vertex's metric whose id ends with {@code suffix}, without the subtask prefix. */
    private static String metricName(String vertexId, String suffix) {
        return RestPoll.until(
                "a metric ending in " + suffix,
                TIMEOUT,
                () -> kit.cluster.vertexMetricIds(jobId, vertexId).stream()
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
