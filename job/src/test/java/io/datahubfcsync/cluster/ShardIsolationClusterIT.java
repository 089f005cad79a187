package io.datahubfcsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.metrics.MetricNames;
import io.datahubfcsync.metrics.MetricNames.DeliveryShard;
import io.datahubfcsync.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Independent shards on a real cluster (a JobManager and two TaskManagers as separate JVMs, the
 * shaded job jar, parallelism 2): a shard whose batch always fails never slows the others, which
 * deliver every live record while checkpoints keep completing; and a kill -9 of a TaskManager
 * while a batch retries does not give the batch a fresh retry budget.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardIsolationClusterIT {
    private static final String PROJECT = "isolation";
    private static final String SERVICE = "svc";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int BUDGET = 20;

    private static ClusterKit kit;
    private String jobId;

    @BeforeAll
    static void start() {
        kit = ClusterKit.builder("isolation", ShardIsolationClusterIT.class)
                .fc(FcEmulator.builder().invocationLogCapacity(200_000))
                .cluster(b -> b.config("execution.checkpointing.interval", "300ms"))
                .start();
    }

    @AfterAll
    static void stop() {
        if (kit != null) kit.close();
    }

    @AfterEach
    void cancelJob() {
        kit.fc.faults().clear();
        if (jobId != null && kit.cluster.jobStatus(jobId).equals("RUNNING")) kit.cluster.cancel(jobId, TIMEOUT);
        jobId = null;
    }

    @Test
    @Order(1)
    void aShardThatAlwaysFailsNeverSlowsTheOthersWhoDeliverEveryLiveRecordWhileCheckpointsComplete() {
        String topic = "stuck";
        kit.topic(PROJECT, topic, 4);
        deploy(topic);
        Fault poison = kit.fc
                .faults()
                .add(Fault.functionError("poison pill").whenEventId("0:5").onlyFor(SERVICE, topic));
        append(topic, 10);
        jobId = startJob(topic, "--retry.max-attempts", "1000000", "--retry.interval", "100ms");
        Await.until("shard 0 stuck at its poisoned batch", TIMEOUT, () -> poison.fired() >= 3);
        String fcVertex =
                kit.cluster.vertex(jobId, "FC " + SERVICE + "/" + topic).id();
        long checkpointsBefore = kit.cluster.completedCheckpoints(jobId);

        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(
                () -> {
                    while (producing.get()) {
                        append(topic, 1);
                        LockSupport.parkNanos(
                                TimeUnit.MILLISECONDS.toNanos(25)); // producer pace: 40 records/s per shard
                    }
                },
                "live producer");
        producer.start();
        long maxHeld = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String held = metricName(fcVertex, "." + MetricNames.ofShard("0", DeliveryShard.PENDING_RECORDS));
        while (System.nanoTime() < end) {
            maxHeld = Math.max(
                    maxHeld,
                    kit.cluster
                            .aggregatedMetric(jobId, fcVertex, held, "max")
                            .orElse(0.0)
                            .longValue());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500)); // sampling pace
        }
        producing.set(false);
        join(producer);
        long checkpointsDuring = kit.cluster.completedCheckpoints(jobId) - checkpointsBefore;

        Map<String, List<Long>> produced = produced(topic);
        DeliveryLedger.Report others = Await.value(
                "shards 1-3 delivered",
                TIMEOUT,
                Duration.ofMillis(250),
                () -> {
                    Map<String, List<Long>> healthy = new LinkedHashMap<>(produced);
                    healthy.remove("0");
                    return DeliveryLedger.reconcile(
                            healthy, kit.fc.invocations().of(SERVICE, topic));
                },
                DeliveryLedger.Report::complete);
        kit.figure("isolation: shards 1-3 over 60 s of live records with shard 0 stuck", others.toString());
        kit.figure("isolation: most records shard 0 held (budget " + BUDGET + ")", String.valueOf(maxHeld));
        kit.figure(
                "isolation: shard 0 records produced",
                String.valueOf(produced.get("0").size()));
        kit.figure("isolation: checkpoints completed during the 60 s", String.valueOf(checkpointsDuring));
        assertThat(others.orderViolations()).isEmpty();
        assertThat(produced.get("0").size())
                .as("live records of the stuck shard")
                .isGreaterThan(10 * BUDGET);
        assertThat(maxHeld)
                .as("the stuck shard never held more than its budget")
                .isBetween(1L, (long) BUDGET);
        assertThat(checkpointsDuring)
                .as("checkpoints kept completing while shard 0 was stuck")
                .isGreaterThanOrEqualTo(30);

        kit.fc.faults().remove(poison);
        DeliveryLedger.Report all = Await.value(
                "everything delivered once shard 0's function is fixed",
                TIMEOUT,
                Duration.ofMillis(250),
                () -> DeliveryLedger.reconcile(produced, kit.fc.invocations().of(SERVICE, topic)),
                DeliveryLedger.Report::complete);
        kit.figure("isolation: after the fix (shard 0 read its let-go range back from DataHub)", all.toString());
        assertThat(all.orderViolations()).isEmpty();
        assertThat(kit.cluster.jobMetric(jobId, "numRestarts").orElse(-1.0))
                .as("no failover")
                .isZero();
    }

    @Test
    @Order(2)
    void aKillMinus9WhileABatchRetriesKeepsItsAttemptCountToExactlyRetryMaxAttempts() {
        String topic = "failover";
        int maxAttempts = 12;
        kit.topic(PROJECT, topic, 2);
        deploy(topic);
        Fault poison = kit.fc
                .faults()
                .add(Fault.functionError("still broken").whenEventId("1:5").onlyFor(SERVICE, topic));
        append(topic, 20);
        jobId = startJob(
                topic,
                "--retry.max-attempts",
                String.valueOf(maxAttempts),
                "--retry.interval",
                "2s",
                "--suspend.probe-interval",
                "0");
        Await.until("4 failed attempts", TIMEOUT, () -> poison.fired() >= 4);

        // Kill right after a checkpoint that was triggered after the latest attempt reached FC: that
        // checkpoint holds every attempt FC saw (one completing meanwhile may have been triggered before).
        int before;
        while (true) {
            before = poison.fired();
            long checkpoints = kit.cluster.completedCheckpoints(jobId);
            int seen = before;
            RestPoll.until(
                    "two checkpoints after attempt " + seen,
                    TIMEOUT,
                    () -> kit.cluster.completedCheckpoints(jobId) >= checkpoints + 2 || poison.fired() != seen);
            if (poison.fired() == before) break;
        }
        assertThat(before).as("killed while the batch still retries").isLessThan(maxAttempts);
        String fcVertex =
                kit.cluster.vertex(jobId, "FC " + SERVICE + "/" + topic).id();
        String victim =
                kit.cluster.taskManagersRunning(jobId, fcVertex).iterator().next();
        kit.cluster.killTaskManager(victim);
        kit.cluster.startTaskManager();
        RestPoll.until("the job restarted from a checkpoint", TIMEOUT, () -> {
            boolean restarted = kit.cluster
                    .jobMetric(jobId, "numRestarts")
                    .filter(n -> n >= 1)
                    .isPresent();
            Optional<JsonNode> restored = kit.cluster
                    .latestRestored(jobId)
                    .filter(r -> !r.path("is_savepoint").asBoolean());
            return restarted && restored.isPresent() ? restored : Optional.empty();
        });
        String state = metricName(fcVertex(topic), "." + MetricNames.ofShard("1", DeliveryShard.STATE));
        RestPoll.until(
                "shard 1 suspended after its last attempt",
                TIMEOUT,
                () -> kit.cluster
                        .aggregatedMetric(jobId, fcVertex(topic), state, "max")
                        .filter(v -> v == 3.0));
        kit.figure(
                "kill -9 while retrying: attempts FC saw before the kill / in all (retry.max-attempts " + maxAttempts
                        + ")",
                before + " / " + poison.fired());
        assertThat(poison.fired())
                .as("attempts before and after the failover add up to retry.max-attempts")
                .isEqualTo(maxAttempts);
        Await.until(
                "shard 0 delivered everything",
                TIMEOUT,
                () -> DeliveryLedger.reconcile(
                                Map.of("0", produced(topic).get("0")),
                                kit.fc.invocations().of(SERVICE, topic))
                        .complete());
        assertThat(kit.cluster.jobStatus(jobId)).as("suspended, not failed").isEqualTo("RUNNING");
    }

    // ---------------------------------------------------------------- helpers

    private String fcVertex(String topic) {
        return kit.cluster.vertex(jobId, "FC " + SERVICE + "/" + topic).id();
    }

    private static void deploy(String function) {
        kit.function(SERVICE, function);
    }

    private static String startJob(String topic, String... extra) {
        List<String> args = kit.args(
                PROJECT,
                topic,
                SERVICE,
                topic,
                "--start",
                "OLDEST",
                "--batch.max-records",
                "5",
                "--delivery.max-buffered-records-per-shard",
                String.valueOf(BUDGET));
        args.addAll(List.of(extra));
        return kit.submitRunning(args, 2, null, TIMEOUT);
    }

    private static void append(String topic, int perShard) {
        for (int i = 0; i < perShard; i++) {
            for (var shard : kit.datahub.shards(PROJECT, topic)) {
                kit.datahub.appendBlob(PROJECT, topic, shard.shardId(), ("r" + i).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static Map<String, List<Long>> produced(String topic) {
        return DeliveryLedger.produced(kit.datahub, PROJECT, topic);
    }

    private String metricName(String vertexId, String suffix) {
        return RestPoll.until(
                "a metric ending in " + suffix,
                TIMEOUT,
                () -> kit.cluster.vertexMetricIds(jobId, vertexId).stream()
                        .filter(id -> id.endsWith(suffix))
                        .map(id -> id.substring(id.indexOf('.') + 1))
                        .findFirst());
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
