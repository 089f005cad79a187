package io.datahubfcsync.delivery;

import static io.datahubfcsync.testing.DeliveredBatches.deliveredPerShard;
import static io.datahubfcsync.testing.DeliveredBatches.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.TestFunctions;
import io.datahubfcsync.metrics.MetricNames;
import io.datahubfcsync.metrics.MetricNames.Delivery;
import io.datahubfcsync.metrics.MetricNames.DeliveryShard;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.DeliveredBatches;
import io.datahubfcsync.testing.DeliveredBatches.Batch;
import io.datahubfcsync.testing.FcEmulatorExtension;
import io.datahubfcsync.testing.MiniClusters;
import io.datahubfcsync.testing.TestRecordSource;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The delivery metrics, per shard and operator-wide, as a user sees them: read back through the
 * MiniCluster's REST API (what the Flink web UI shows) while one shard retries and after everything
 * was delivered, and checked against what the FC emulator actually received.
 */
class DeliveryMetricsITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REST_POLL = Duration.ofMillis(100);
    private static final int SHARDS = 3;
    private static final int PER_SHARD = 20;

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            MiniClusters.withSlots(2, MiniClusters.metricsFetchedEvery(Duration.ofMillis(100)));

    @RegisterExtension
    static final FcEmulatorExtension FC = FcEmulatorExtension.withFunction(
                    FcTestBed.SERVICE, FcTestBed.FUNCTION, new TestFunctions.Echo())
            .invocationLogCapacity(10_000);

    @Test
    void perShardAndOperatorWideMetricsMatchWhatTheFunctionReceived(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        FC.faults().add(Fault.functionError("twice").whenEventId("1:7").times(2));
        FC.faults().add(Fault.latency(Duration.ofMillis(300)).whenEventId("0:3").times(1));
        Fault stuck = Fault.functionError("down until the test says so").whenEventId("2:10");
        FC.faults().add(stuck);
        DeliveryConfig config = FcTestBed.config()
                .batchMaxRecords(5)
                .retryInterval(Duration.ofMillis(100))
                .retryMaxAttempts(100_000)
                .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        FcDelivery.attach(
                FcTestBed.records(
                        env, TestRecordSource.thenIdle(TestRecordSource.roundRobin(SHARDS), SHARDS * PER_SHARD, 0)),
                config,
                FcTestBed.invokers(FC.emulator()));
        JobClient job = env.executeAsync("metrics");
        try {
            Rest rest = new Rest(cluster.getRestAddress().get(30, TimeUnit.SECONDS), job.getJobID());

            // shard 2 retries its batch holding sequence 10: the UI shows it retrying, behind, and not past that batch
            Await.until("shard 2 retrying", TIMEOUT, () -> stuck.fired() >= 3);
            Batch retried = DeliveredBatches.of(FC.invocations().all()).stream()
                    .filter(b -> b.holds("2", 10))
                    .findFirst()
                    .orElseThrow();
            rest.await("shard 2 state", MetricNames.ofShard("2", DeliveryShard.STATE), v -> v == 1);
            rest.await(
                    "shard 2 consecutiveFailures",
                    MetricNames.ofShard("2", DeliveryShard.CONSECUTIVE_FAILURES),
                    v -> v >= 2);
            rest.await(
                    "shard 2 deliveredSequence",
                    MetricNames.ofShard("2", DeliveryShard.DELIVERED_SEQUENCE),
                    v -> v == retried.first() - 1);
            rest.await(
                    "shard 2 pendingRecords",
                    MetricNames.ofShard("2", DeliveryShard.PENDING_RECORDS),
                    v -> v == PER_SHARD - retried.first());
            // its oldest undelivered record (system time 1000 * (seq + 1)) is behind the shard's newest one
            rest.await(
                    "maxMillisBehindLatest",
                    Delivery.MAX_MILLIS_BEHIND_LATEST,
                    v -> v == 1000 * (PER_SHARD - 1 - retried.first()));
            rest.awaitSyncedUpTo(v -> v == 1000 * (retried.first() + 1));

            FC.faults().remove(stuck);
            Await.until("every shard delivered to its end", TIMEOUT, () -> {
                Map<String, List<Long>> delivered =
                        deliveredPerShard(DeliveredBatches.of(FC.invocations().all()));
                return delivered.size() == SHARDS
                        && delivered.values().stream().allMatch(s -> s.equals(range(0, PER_SHARD)));
            });
            List<Batch> invocations = DeliveredBatches.of(FC.invocations().all());
            for (int s = 0; s < SHARDS; s++) {
                String shard = String.valueOf(s);
                long calls = invocations.stream()
                        .filter(b -> b.shard().equals(shard))
                        .count();
                long failed = invocations.stream()
                        .filter(b -> b.shard().equals(shard) && !b.succeeded())
                        .count();
                rest.await(
                        "shard " + shard + " deliveredSequence",
                        MetricNames.ofShard(shard, DeliveryShard.DELIVERED_SEQUENCE),
                        v -> v == PER_SHARD - 1);
                rest.await(
                        "shard " + shard + " pendingRecords",
                        MetricNames.ofShard(shard, DeliveryShard.PENDING_RECORDS),
                        v -> v == 0);
                rest.await("shard " + shard + " state", MetricNames.ofShard(shard, DeliveryShard.STATE), v -> v == 0);
                rest.await(
                        "shard " + shard + " consecutiveFailures",
                        MetricNames.ofShard(shard, DeliveryShard.CONSECUTIVE_FAILURES),
                        v -> v == 0);
                rest.await(
                        "shard " + shard + " invocations = calls FC received",
                        MetricNames.ofShard(shard, DeliveryShard.INVOCATIONS),
                        v -> v == calls);
                rest.await(
                        "shard " + shard + " failedAttempts = failed calls",
                        MetricNames.ofShard(shard, DeliveryShard.FAILED_ATTEMPTS),
                        v -> v == failed);
                // one call of shard 0 was held 300 ms by the emulator (the others' latency depends on the machine)
                boolean slowed = shard.equals("0");
                rest.await(
                        "shard " + shard + " invokeLatencyMs_max",
                        MetricNames.ofShard(shard, DeliveryShard.INVOKE_LATENCY_MS) + "_max",
                        v -> slowed ? v >= 300 && v < 10_000 : v >= 0);
            }
            assertThat(invocations)
                    .filteredOn(b -> !b.succeeded())
                    .extracting(Batch::shard)
                    .as("failures were injected on shards 1 and 2 only")
                    .containsOnly("1", "2");
            rest.await("maxMillisBehindLatest once drained", Delivery.MAX_MILLIS_BEHIND_LATEST, v -> v == 0);
            // everything delivered: nothing holds the done time back, it is the current time (not the last record's)
            long drainedAt = System.currentTimeMillis();
            rest.awaitSyncedUpTo(v -> v >= drainedAt);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Waits on the delivery operator's metrics as the web UI reads them: aggregated over the vertex's subtasks. */
    private static final class Rest {
        private final JobRest rest;

        Rest(URI base, JobID jobId) {
            this.rest = new JobRest(base, jobId, "FC " + FcTestBed.SERVICE + "/" + FcTestBed.FUNCTION);
        }

        /** Waits until the metric whose id ends with {@code .suffix} has a value (max over subtasks) that {@code ok} accepts. */
        void await(String what, String suffix, java.util.function.LongPredicate ok) {
            await(what, suffix, "max", ok);
        }

        void await(String what, String suffix, String agg, java.util.function.LongPredicate ok) {
            Await.value(
                    what, TIMEOUT, REST_POLL, () -> rest.metric(suffix, agg), v -> v.isPresent() && ok.test(v.get()));
        }

        /**
         * The job's "done time": the smallest {@code syncedUpTo} of the subtasks (one without
         * undelivered records reports the current time, and keyBy may leave one without any shard).
         */
        void awaitSyncedUpTo(java.util.function.LongPredicate ok) {
            Await.value(
                    "syncedUpTo over the subtasks that hold shards",
                    TIMEOUT,
                    REST_POLL,
                    () -> {
                        long min = Long.MAX_VALUE;
                        for (int subtask = 0; subtask < 2; subtask++) {
                            Optional<Long> v = rest.subtaskMetric(Delivery.SYNCED_UP_TO, subtask);
                            if (v.isEmpty()) return Optional.<Long>empty();
                            if (v.get() >= 0) min = Math.min(min, v.get());
                        }
                        return min == Long.MAX_VALUE ? Optional.<Long>empty() : Optional.of(min);
                    },
                    v -> v.isPresent() && ok.test(v.get()));
        }
    }
}
