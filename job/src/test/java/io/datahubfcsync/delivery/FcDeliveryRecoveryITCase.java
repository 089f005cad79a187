package io.datahubfcsync.delivery;

import static io.datahubfcsync.testing.DeliveredBatches.deliveredPerShard;
import static io.datahubfcsync.testing.DeliveredBatches.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.InvocationRecord;
import io.datahubfcsync.local.fc.TestFunctions;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.DeliveredBatches;
import io.datahubfcsync.testing.DeliveredBatches.Batch;
import io.datahubfcsync.testing.FcEmulatorExtension;
import io.datahubfcsync.testing.MiniClusters;
import io.datahubfcsync.testing.TestRecordSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exhaustion, checkpoints while a shard retries, and restores (also rescaled), on a MiniCluster
 * against the FC emulator through the real FC SDK.
 */
class FcDeliveryRecoveryITCase {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(4);

    @RegisterExtension
    static final FcEmulatorExtension FC = FcEmulatorExtension.withFunction(
                    FcTestBed.SERVICE, FcTestBed.FUNCTION, new TestFunctions.Echo())
            .invocationLogCapacity(100_000);

    /** Checkpoints every 100 ms, retained on failure and cancellation; restarts allowed, so a suppressed one is visible. */
    private static StreamExecutionEnvironment env(Path checkpoints, int parallelism, Path restoreFrom) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(10));
        if (restoreFrom != null)
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    @Test
    void exhaustionFailsTheJobForGoodThenAResumeWithAFixedFunctionDeliversTheRest(@TempDir Path checkpoints)
            throws Exception {
        int perShard = 10;
        FC.faults().add(Fault.functionError("poison pill").whenEventId("1:5"));
        DeliveryConfig config = FcTestBed.config()
                .batchMaxRecords(5)
                .retryInterval(Duration.ofMillis(150))
                .retryMaxAttempts(4)
                .failOnExhausted()
                .build();
        StreamExecutionEnvironment env = env(checkpoints, 2, null);
        FcDelivery.attach(
                FcTestBed.records(env, TestRecordSource.thenIdle(TestRecordSource.roundRobin(2), 2 * perShard, 0)),
                config,
                FcTestBed.invokers(FC.emulator()));

        JobClient job = env.executeAsync("exhaustion");
        Throwable failure = catchThrowable(() -> job.getJobExecutionResult().get(60, TimeUnit.SECONDS));

        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.FAILED);
        List<Batch> run1 = DeliveredBatches.of(FC.invocations().all());
        List<Batch> poisoned = run1.stream().filter(b -> b.holds("1", 5)).toList();
        assertThat(poisoned)
                .as("exactly retry.max-attempts attempts, no restart re-sent it")
                .hasSize(4)
                .allSatisfy(b -> assertThat(b.succeeded()).isFalse());
        assertThat(poisoned)
                .extracting(Batch::payload)
                .containsOnly(poisoned.get(0).payload());
        Batch batch = poisoned.get(0);
        // nothing of shard 1 from the exhausted batch on was delivered
        assertThat(run1)
                .filteredOn(b -> b.shard().equals("1") && b.succeeded())
                .allSatisfy(b -> assertThat(b.last()).isLessThan(batch.first()));
        assertThat(deliveredPerShard(run1).get("1")).isEqualTo(range(0, batch.first()));

        assertThat(ExceptionUtils.findThrowable(failure, SuppressRestartsException.class))
                .isPresent();
        ShardExhaustedException exhausted = ExceptionUtils.findThrowable(failure, ShardExhaustedException.class)
                .orElseThrow();
        String lastRequestId = FC.invocations().all().stream()
                .filter(r -> r.payloadUtf8().contains("\"1:5\""))
                .reduce((a, b) -> b)
                .map(InvocationRecord::requestId)
                .orElseThrow();
        assertThat(exhausted.getMessage())
                .contains(
                        "FC svc/fn",
                        "project proj",
                        "topic topic",
                        "shard 1",
                        "records 1:" + batch.first() + "..1:" + batch.last(),
                        "failed 4 attempts",
                        "retry.max-attempts=4",
                        "poison pill",
                        "request id: " + lastRequestId,
                        "resume from the latest retained checkpoint");

        // the function is fixed; resume from the checkpoint the failed job left behind
        FC.faults().clear();
        FC.invocations().clear();
        Path checkpoint = FcTestBed.latestCheckpoint(checkpoints)
                .orElseThrow(() -> new AssertionError("the failed job left no retained checkpoint"));
        StreamExecutionEnvironment resumed = env(checkpoints, 2, checkpoint);
        FcDelivery.attach(
                FcTestBed.records(resumed, TestRecordSource.thenIdle(TestRecordSource.roundRobin(2), 2 * perShard, 0)),
                config,
                FcTestBed.invokers(FC.emulator()));
        JobClient job2 = resumed.executeAsync("resume after exhaustion");
        try {
            Await.until(
                    "shard 1 delivered to its last record",
                    TIMEOUT,
                    () -> DeliveredBatches.of(FC.invocations().all()).stream()
                            .anyMatch(b -> b.succeeded() && b.holds("1", perShard - 1)));
        } finally {
            job2.cancel().get(30, TimeUnit.SECONDS);
        }
        List<Batch> run2 = DeliveredBatches.of(FC.invocations().all());
        List<Long> shard1 = new ArrayList<>(deliveredPerShard(run1).get("1"));
        List<Long> resumedShard1 = deliveredPerShard(run2).get("1");
        // resumes at or before the exhausted batch (a checkpoint may predate it): in order, nothing lost
        assertThat(resumedShard1.get(0)).isLessThanOrEqualTo(batch.first());
        assertThat(resumedShard1).isEqualTo(range(resumedShard1.get(0), perShard));
        shard1.removeIf(s -> s >= resumedShard1.get(0));
        shard1.addAll(resumedShard1);
        assertThat(shard1).isEqualTo(range(0, perShard));
    }

    @Test
    void checkpointsCompleteWhileAShardRetriesAndARescaledRestoreResendsItsBatch(
            @TempDir Path checkpoints, @InjectMiniCluster MiniCluster cluster) throws Exception {
        int shards = 6;
        int perShard = 10;
        FC.faults().add(Fault.functionError("flaky downstream").whenEventId("2:4"));
        DeliveryConfig config = FcTestBed.config()
                .batchMaxRecords(3)
                .retryInterval(Duration.ofMillis(50))
                .retryMaxAttempts(100_000)
                .build();
        StreamExecutionEnvironment env = env(checkpoints, 2, null);
        FcDelivery.attach(
                FcTestBed.records(
                        env, TestRecordSource.thenIdle(TestRecordSource.roundRobin(shards), shards * perShard, 0)),
                config,
                FcTestBed.invokers(FC.emulator()));
        JobClient job = env.executeAsync("retrying shard");
        JobID jobId = job.getJobID();
        List<Batch> run1;
        try {
            Await.until("every other shard delivered and shard 2 retrying", TIMEOUT, () -> {
                List<Batch> batches = DeliveredBatches.of(FC.invocations().all());
                Map<String, List<Long>> delivered = deliveredPerShard(batches);
                long failures = batches.stream().filter(b -> !b.succeeded()).count();
                return failures >= 3
                        && delivered.entrySet().stream()
                                        .filter(e -> !e.getKey().equals("2"))
                                        .filter(e -> e.getValue().size() == perShard)
                                        .count()
                                == shards - 1;
            });
            long before = completedCheckpoints(cluster, jobId);
            Await.value(
                    "3 more checkpoints while shard 2 retries",
                    TIMEOUT,
                    () -> completedCheckpoints(cluster, jobId),
                    n -> n >= before + 3);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        Await.until(
                "no invocation of the cancelled job still running",
                TIMEOUT,
                () -> FC.invocations().inFlight() == 0);
        run1 = DeliveredBatches.of(FC.invocations().all());
        List<Batch> failed = run1.stream().filter(b -> !b.succeeded()).toList();
        assertThat(failed).allSatisfy(b -> assertThat(b.shard()).isEqualTo("2"));
        assertThat(failed).extracting(Batch::payload).containsOnly(failed.get(0).payload());
        Batch retried = failed.get(0);
        // the job kept running: shard 2 never moved past the retried batch
        assertThat(deliveredPerShard(run1).getOrDefault("2", List.of())).isEqualTo(range(0, retried.first()));

        // restore the last checkpoint (taken while shard 2 was retrying) on 3 subtasks instead of 2, function healthy
        FC.faults().clear();
        FC.invocations().clear();
        Path checkpoint = FcTestBed.latestCheckpoint(checkpoints).orElseThrow();
        StreamExecutionEnvironment restored = env(checkpoints, 3, checkpoint);
        FcDelivery.attach(
                FcTestBed.records(
                        restored, TestRecordSource.thenIdle(TestRecordSource.roundRobin(shards), shards * perShard, 0)),
                config,
                FcTestBed.invokers(FC.emulator()));
        JobClient job2 = restored.executeAsync("restored, rescaled");
        try {
            Await.until(
                    "shard 2 delivered to its last record",
                    TIMEOUT,
                    () -> DeliveredBatches.of(FC.invocations().all()).stream()
                            .anyMatch(b -> b.succeeded() && b.holds("2", perShard - 1)));
        } finally {
            job2.cancel().get(30, TimeUnit.SECONDS);
        }
        List<Batch> run2 = DeliveredBatches.of(FC.invocations().all());
        // only shard 2 had anything left; its first invocation is the batch that was being retried, same eventIds
        assertThat(run2).allSatisfy(b -> assertThat(b.shard()).isEqualTo("2"));
        assertThat(run2.get(0).payload()).isEqualTo(retried.payload());
        List<Long> shard2 = deliveredPerShard(run2).get("2");
        assertThat(new ArrayList<>(new LinkedHashSet<>(shard2))).isEqualTo(range(retried.first(), perShard));
        // at-least-once: a repeat may only be of the batch that was out at the checkpoint
        List<Long> repeats = new ArrayList<>(shard2);
        new LinkedHashSet<>(shard2).forEach(repeats::remove);
        assertThat(retried.sequences()).containsAll(repeats);
    }

    /**
     * Only a savepoint waits for the calls on the wire (so that stop-with-savepoint and resume
     * delivers exactly once); an ordinary checkpoint must not, or a slow function would stall
     * checkpointing for as long as it runs.
     */
    @Test
    void checkpointsCompleteWhileACallIsOnTheWire(@TempDir Path checkpoints, @InjectMiniCluster MiniCluster cluster)
            throws Exception {
        FC.faults().add(Fault.latency(Duration.ofSeconds(5)));
        StreamExecutionEnvironment env = env(checkpoints, 1, null);
        FcDelivery.attach(
                FcTestBed.records(env, TestRecordSource.thenIdle(TestRecordSource.roundRobin(2), 2, 0)),
                FcTestBed.config().build(),
                FcTestBed.invokers(FC.emulator()));
        JobClient job = env.executeAsync("slow function");
        try {
            Await.until(
                    "both shards' calls on the wire",
                    TIMEOUT,
                    () -> FC.invocations().inFlight() == 2);
            long before = completedCheckpoints(cluster, job.getJobID());
            Await.value(
                    "3 more checkpoints while the calls run",
                    Duration.ofSeconds(3),
                    () -> completedCheckpoints(cluster, job.getJobID()),
                    n -> n >= before + 3);
            assertThat(FC.invocations().inFlight())
                    .as("the calls were still running")
                    .isEqualTo(2);
            assertThat(FC.invocations().all()).isEmpty();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
            // the emulator finishes the slow calls anyway; let them end before the next test reads the log
            Await.until("the slow calls ended", TIMEOUT, () -> FC.invocations().inFlight() == 0);
        }
    }

    /**
     * A restore is a new run, usually after the function was fixed: the batch that was retrying gets
     * the whole {@code retry.max-attempts} again instead of what the failing run left over, and is
     * still the same batch with the same eventIds.
     */
    @Test
    void aBatchRestoredWhileRetryingStartsCountingItsAttemptsFromZero(
            @TempDir Path checkpoints, @InjectMiniCluster MiniCluster cluster) throws Exception {
        int perShard = 6;
        int maxAttempts = 5;
        FC.faults().add(Fault.functionError("still broken").whenEventId("1:3"));
        // a long pause between attempts leaves room for checkpoints between the 3rd failure and exhaustion
        DeliveryConfig config = FcTestBed.config()
                .batchMaxRecords(3)
                .retryInterval(Duration.ofMillis(500))
                .retryMaxAttempts(maxAttempts)
                .failOnExhausted()
                .build();
        StreamExecutionEnvironment env = env(checkpoints, 2, null);
        FcDelivery.attach(
                FcTestBed.records(env, TestRecordSource.thenIdle(TestRecordSource.roundRobin(2), 2 * perShard, 0)),
                config,
                FcTestBed.invokers(FC.emulator()));
        JobClient job = env.executeAsync("retrying, attempts used up in part");
        try {
            Await.until("3 failed attempts of shard 1's second batch", TIMEOUT, () -> failedAttemptsOf("1", 3) >= 3);
            long before = completedCheckpoints(cluster, job.getJobID());
            Await.value(
                    "2 checkpoints after the 3rd failed attempt",
                    TIMEOUT,
                    () -> completedCheckpoints(cluster, job.getJobID()),
                    n -> n >= before + 2);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        Await.until(
                "no invocation of the cancelled job still running",
                TIMEOUT,
                () -> FC.invocations().inFlight() == 0);
        List<Batch> failing = DeliveredBatches.of(FC.invocations().all()).stream()
                .filter(b -> b.holds("1", 3))
                .toList();
        assertThat(failing)
                .as("the cancel came before exhaustion")
                .hasSizeLessThan(maxAttempts)
                .allSatisfy(b -> assertThat(b.succeeded()).isFalse());
        // the restored checkpoint holds at least 2 used attempts: counted on, 3 more failures would exhaust the batch
        int usedAtCheckpointAtLeast = failing.size() - 1;
        assertThat(usedAtCheckpointAtLeast + 3).isGreaterThanOrEqualTo(maxAttempts);

        // the function is still failing a few more times after the resume, then works
        FC.faults().clear();
        FC.invocations().clear();
        FC.faults().add(Fault.functionError("warming up").whenEventId("1:3").times(3));
        Path checkpoint = FcTestBed.latestCheckpoint(checkpoints).orElseThrow();
        StreamExecutionEnvironment restored = env(checkpoints, 2, checkpoint);
        FcDelivery.attach(
                FcTestBed.records(restored, TestRecordSource.thenIdle(TestRecordSource.roundRobin(2), 2 * perShard, 0)),
                config,
                FcTestBed.invokers(FC.emulator()));
        JobClient job2 = restored.executeAsync("restored with the attempt count reset");
        try {
            Await.value(
                    "shard 1 delivered to its last record (the job must not exhaust the batch)",
                    TIMEOUT,
                    () -> {
                        JobStatus status = job2.getJobStatus().get(10, TimeUnit.SECONDS);
                        if (status.isGloballyTerminalState()) {
                            throw new AssertionError("the restored job ended " + status + ": "
                                    + job2.getJobExecutionResult()
                                            .handle((r, e) -> e == null
                                                    ? ""
                                                    : ExceptionUtils.findThrowable(e, ShardExhaustedException.class)
                                                            .map(Throwable::getMessage)
                                                            .orElse(e.toString()))
                                            .get(10, TimeUnit.SECONDS));
                        }
                        return DeliveredBatches.of(FC.invocations().all()).stream()
                                .anyMatch(b -> b.succeeded() && b.holds("1", perShard - 1));
                    },
                    delivered -> delivered);
        } finally {
            if (!job2.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                job2.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        List<Batch> resent = DeliveredBatches.of(FC.invocations().all()).stream()
                .filter(b -> b.holds("1", 3))
                .toList();
        assertThat(resent)
                .as("3 failures and then the success, all of the very batch that was retrying")
                .extracting(Batch::succeeded)
                .containsExactly(false, false, false, true);
        assertThat(resent)
                .extracting(Batch::payload)
                .containsOnly(failing.get(0).payload());
    }

    private long failedAttemptsOf(String shard, long sequence) {
        return DeliveredBatches.of(FC.invocations().all()).stream()
                .filter(b -> b.holds(shard, sequence) && !b.succeeded())
                .count();
    }

    private static long completedCheckpoints(MiniCluster cluster, JobID jobId) throws Exception {
        var stats = cluster.getExecutionGraph(jobId).get(10, TimeUnit.SECONDS).getCheckpointStatsSnapshot();
        return stats == null ? 0 : stats.getCounts().getNumberOfCompletedCheckpoints();
    }
}
