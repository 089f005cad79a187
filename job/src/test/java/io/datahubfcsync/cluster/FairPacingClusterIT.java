package io.datahubfcsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.InvocationRecord;
import io.datahubfcsync.metrics.MetricNames.Delivery;
import io.datahubfcsync.testing.DeliveredBatches;
import io.datahubfcsync.testing.DeliveredBatches.Batch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code delivery.max-records-per-second} divided over shards on a real cluster (JobManager + 2
 * TaskManagers as separate JVMs, the shaded job jar): 4 shards with a backlog at parallelism 2,
 * where the {@code keyBy(shardId)} puts 3 shards on one delivery subtask and 1 on the other. Each
 * shard gets about a quarter of the rate, measured from what the FC emulator received.
 */
class FairPacingClusterIT {
    private static final String PROJECT = "shop";
    private static final String TOPIC = "orders";
    private static final String SERVICE = "svc";
    private static final String FUNCTION = "fn";
    private static final int SHARDS = 4;
    private static final int PARALLELISM = 2;
    /** Flink's default for parallelism 2, which the job keeps. */
    private static final int MAX_PARALLELISM = 128;

    private static final int RATE = 200;
    private static final int PER_SHARD = 3_000; // 60 s of backlog per shard at a quarter of the rate
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration WINDOW = Duration.ofSeconds(20);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private static ClusterKit kit;

    @BeforeAll
    static void start() {
        kit = ClusterKit.builder("fair-pacing", FairPacingClusterIT.class)
                .fc(FcEmulator.builder().invocationLogCapacity(100_000))
                .start();
        kit.topic(PROJECT, TOPIC, SHARDS);
        kit.appendNumbered(PROJECT, TOPIC, SHARDS, PER_SHARD);
        kit.function(SERVICE, FUNCTION);
    }

    @AfterAll
    static void stop() {
        if (kit != null) kit.close();
    }

    @Test
    void threeBackloggedShardsOnOneDeliverySubtaskAndOneOnTheOtherEachGetAQuarterOfTheRate() {
        int[] expectedShards = new int[PARALLELISM];
        for (int s = 0; s < SHARDS; s++) {
            expectedShards[
                    KeyGroupRangeAssignment.assignKeyToParallelOperator(
                            String.valueOf(s), MAX_PARALLELISM, PARALLELISM)]++;
        }
        assertThat(expectedShards).as("the placement this test is about").containsExactlyInAnyOrder(3, 1);

        String jobId = kit.submitRunning(
                kit.args(
                        PROJECT,
                        TOPIC,
                        SERVICE,
                        FUNCTION,
                        "--start",
                        "OLDEST",
                        "--batch.max-records",
                        "10",
                        "--delivery.max-records-per-second",
                        String.valueOf(RATE)),
                PARALLELISM,
                null,
                TIMEOUT);
        String fcVertex =
                kit.cluster.vertex(jobId, "FC " + SERVICE + "/" + FUNCTION).id();
        String pacedShards = metricName(jobId, fcVertex, Delivery.PACED_SHARDS);
        List<Integer> reported = RestPoll.until("each delivery subtask's pacedShards", TIMEOUT, () -> {
            List<Integer> counts = new ArrayList<>();
            for (int i = 0; i < PARALLELISM; i++) {
                Optional<Double> n = kit.cluster.subtaskMetric(jobId, fcVertex, i, pacedShards);
                if (n.isEmpty()) return Optional.empty();
                counts.add(n.get().intValue());
            }
            return counts.get(0) == expectedShards[0] && counts.get(1) == expectedShards[1]
                    ? Optional.of(counts)
                    : Optional.empty();
        });
        kit.figure("shards with records to send per delivery subtask", reported.toString());

        Instant from = RestPoll.until(
                        "the first invocation",
                        TIMEOUT,
                        () -> kit.fc.invocations().all().stream()
                                .map(InvocationRecord::received)
                                .min(Instant::compareTo))
                .plus(WARM_UP);
        Instant to = from.plus(WINDOW);
        RestPoll.until(
                "an invocation after " + to,
                TIMEOUT,
                () -> kit.fc.invocations().all().stream()
                        .map(InvocationRecord::received)
                        .filter(t -> !t.isBefore(to))
                        .findAny());
        kit.cluster.cancel(jobId, TIMEOUT);

        Map<String, Long> perShard = new TreeMap<>();
        for (Batch b : DeliveredBatches.of(kit.fc.invocations().all())) {
            if (b.succeeded() && !b.received().isBefore(from) && b.received().isBefore(to))
                perShard.merge(b.shard(), (long) b.sequences().size(), Long::sum);
        }
        long total = perShard.values().stream().mapToLong(Long::longValue).sum();
        kit.figure("records per shard in " + WINDOW.toSeconds() + " s at " + RATE + "/s", perShard.toString());
        kit.figure("records per second in all", String.format("%.1f", total / (double) WINDOW.toSeconds()));

        double fair = RATE / (double) SHARDS * WINDOW.toSeconds();
        assertThat(perShard).as("every shard delivered in the window").hasSize(SHARDS);
        perShard.forEach((shard, records) -> assertThat((double) records)
                .as("records of shard %s (a quarter of the rate is %.0f)", shard, fair)
                .isBetween(fair * 0.85, fair * 1.15));
        assertThat(total / (double) WINDOW.toSeconds())
                .as("records per second of the whole job")
                .isBetween(RATE * 0.9, RATE * 1.1);
    }

    /** The vertex's metric whose id ends with {@code suffix}, without the subtask prefix. */
    private static String metricName(String jobId, String vertexId, String suffix) {
        return RestPoll.until(
                "a metric ending in " + suffix,
                TIMEOUT,
                () -> kit.cluster.vertexMetricIds(jobId, vertexId).stream()
                        .filter(id -> id.endsWith("." + suffix))
                        .map(id -> id.substring(id.indexOf('.') + 1))
                        .findFirst());
    }
}
