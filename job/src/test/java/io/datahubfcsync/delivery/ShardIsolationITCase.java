package io.datahubfcsync.delivery;

import static io.datahubfcsync.testing.DeliveredBatches.deliveredPerShard;
import static io.datahubfcsync.testing.DeliveredBatches.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.datahubfcsync.delivery.control.ResumeRequest;
import io.datahubfcsync.delivery.control.ResumeResponse;
import io.datahubfcsync.delivery.control.ShardState;
import io.datahubfcsync.delivery.control.ShardStatus;
import io.datahubfcsync.delivery.control.ShardStatusRequest;
import io.datahubfcsync.delivery.control.ShardStatusResponse;
import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobPlan;
import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.function.DemoFunction;
import io.datahubfcsync.metrics.MetricNames;
import io.datahubfcsync.metrics.MetricNames.DeliveryShard;
import io.datahubfcsync.metrics.MetricNames.SourceReader;
import io.datahubfcsync.source.config.LostRecordsException;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.DeliveredBatches;
import io.datahubfcsync.testing.DeliveredBatches.Batch;
import io.datahubfcsync.testing.LocalKitExtension;
import io.datahubfcsync.testing.MiniClusters;
import io.datahubfcsync.testing.TupleSchemas;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shard isolation, on a MiniCluster with the whole job against both emulators through the real
 * SDKs: one shard that cannot deliver keeps its budget and never slows the others, which deliver
 * every record produced live; suspended shards are listed and resumed through the delivery
 * operator's coordinator, as a client of the running job would.
 */
class ShardIsolationITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @RegisterExtension
    final LocalKitExtension kit = LocalKitExtension.topic(
                    "shop", "orders", SHARDS.size(), TupleSchemas.of("id BIGINT", "name STRING"))
            .function("svc", "fn", new DemoFunction());

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> SHARDS = List.of("0", "1", "2", "3");
    private static final int BUDGET = 20;
    private final Map<String, AtomicLong> produced = new ConcurrentHashMap<>();
    /** Every job the test started, in order. */
    private final List<JobClient> jobs = new ArrayList<>();

    @BeforeEach
    void countProduced() {
        SHARDS.forEach(s -> produced.put(s, new AtomicLong()));
    }

    /**
     * Cancels every job the test started that has not ended, and waits until it has: a test that
     * failed halfway, even in its set-up, must not keep the MiniCluster's slots from the next one.
     */
    @AfterEach
    void stopJobs() throws Exception {
        for (JobClient job : jobs) cancelUnlessEnded(job); // before the kit's emulators close
    }

    private static void cancelUnlessEnded(JobClient job) throws Exception {
        if (job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) return;
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // it ended meanwhile; the wait below tells a job that ended from one that could not be cancelled
        }
        Await.value(
                "job " + job.getJobID() + " ended",
                TIMEOUT,
                () -> job.getJobStatus().get(30, TimeUnit.SECONDS),
                JobStatus::isGloballyTerminalState);
    }

    @Test
    void aShardThatAlwaysFailsKeepsItsBudgetWhileTheOthersDeliverEveryLiveRecordAndCheckpointsComplete(
            @InjectClusterRESTAddress URI rest) throws Exception {
        Fault poison = kit.fc().faults().add(Fault.functionError("poison pill").whenEventId("0:5"));
        produce(10);
        JobClient job = start("--retry.max-attempts", "1000000", "--retry.interval", "100ms");
        JobRest metrics = new JobRest(rest, job.getJobID(), "FC svc/fn");
        Await.until("shard 0 stuck at its poisoned batch", TIMEOUT, () -> poison.fired() >= 3);
        long checkpointsBefore = metrics.completedCheckpoints();
        long maxHeld = 0;
        // live records for 60 s: 40 per second per shard, 120 times shard 0's budget of 20 by the end
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(
                () -> {
                    while (producing.get()) {
                        produce(1);
                        java.util.concurrent.locks.LockSupport.parkNanos(
                                TimeUnit.MILLISECONDS.toNanos(25)); // pacing of the producer
                    }
                },
                "live producer");
        producer.start();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < end) {
                maxHeld = Math.max(
                        maxHeld,
                        metrics.metric(MetricNames.ofShard("0", DeliveryShard.PENDING_RECORDS), "max")
                                .orElse(0L));
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500)); // sampling pace
            }
        } finally {
            producing.set(false); // a failed sampling must not leave the producer running into the next test
            producer.join();
        }
        long checkpointsDuring = metrics.completedCheckpoints() - checkpointsBefore;

        for (String shard : List.of("1", "2", "3")) {
            long n = produced.get(shard).get();
            Await.until(
                    "shard " + shard + " delivered all " + n + " records",
                    TIMEOUT,
                    () -> range(0, n)
                            .equals(deliveredPerShard(DeliveredBatches.of(
                                            kit.fc().invocations().all()))
                                    .get(shard)));
        }
        assertThat(produced.get("0").get())
                .as("records produced for the stuck shard")
                .isGreaterThan(10L * BUDGET);
        assertThat(maxHeld)
                .as("the stuck shard never held more than its budget")
                .isBetween(1L, (long) BUDGET);
        // metrics reach the REST API with a delay (the web UI's fetch interval): wait for the value
        Await.value(
                "shard 0 recordsLetGo reported",
                TIMEOUT,
                () -> metrics.metric(MetricNames.ofShard("0", DeliveryShard.RECORDS_LET_GO), "max"),
                v -> v.isPresent() && v.get() > 0);
        assertThat(checkpointsDuring)
                .as("checkpoints kept completing (every 500 ms) while shard 0 was stuck")
                .isGreaterThanOrEqualTo(30);
        List<Long> before = deliveredPerShard(
                        DeliveredBatches.of(kit.fc().invocations().all()))
                .get("0");
        assertThat(before)
                .as("shard 0 delivered nothing from its poisoned batch on")
                .isEqualTo(range(0, before.size()))
                .doesNotContain(5L);

        // the function is fixed: shard 0 goes on and reads what it let go back from DataHub, in order
        kit.fc().faults().remove(poison);
        long n0 = produced.get("0").get();
        Await.until(
                "shard 0 delivered all " + n0 + " records",
                TIMEOUT,
                () -> range(0, n0)
                        .equals(deliveredPerShard(DeliveredBatches.of(
                                        kit.fc().invocations().all()))
                                .get("0")));
        Await.value(
                "shard 0 recordsReRead reported",
                TIMEOUT,
                () -> metrics.metric(MetricNames.ofShard("0", DeliveryShard.RECORDS_RE_READ), "max"),
                v -> v.isPresent() && v.get() > 0);
        assertNoShardDeliveredTwice();
    }

    @Test
    void aSuspendedShardIsListedAndResumedOnRequestWhileTheOthersGoOn(@InjectClusterClient RestClusterClient<?> client)
            throws Exception {
        Fault poison = kit.fc().faults().add(Fault.functionError("poison pill").whenEventId("2:3"));
        produce(10);
        JobClient job =
                start("--retry.max-attempts", "3", "--retry.interval", "100ms", "--suspend.probe-interval", "0");
        JobID id = job.getJobID();
        ShardStatus suspended = Await.value(
                        "shard 2 suspended",
                        TIMEOUT,
                        () -> status(client, id, "2"),
                        s -> s.isPresent() && s.get().state() == ShardState.SUSPENDED)
                .orElseThrow();
        assertThat(poison.fired())
                .as("exactly retry.max-attempts attempts, then no more")
                .isEqualTo(3);
        assertThat(suspended.lastError()).contains("poison pill");
        assertThat(suspended.consecutiveFailures()).isEqualTo(3);
        assertThat(suspended.deliveredSequence()).isLessThan(3);
        produce(10);
        for (String shard : List.of("0", "1", "3")) {
            Await.until(
                    "shard " + shard + " delivers while shard 2 is suspended",
                    TIMEOUT,
                    () -> range(0, 20)
                            .equals(deliveredPerShard(DeliveredBatches.of(
                                            kit.fc().invocations().all()))
                                    .get(shard)));
        }
        assertThat(poison.fired()).as("no probe with suspend.probe-interval=0").isEqualTo(3);

        ResumeResponse notSuspended =
                (ResumeResponse) client.sendCoordinationRequest(id, FcDelivery.UID, ResumeRequest.shard("1"))
                        .get(30, TimeUnit.SECONDS);
        assertThat(notSuspended.resumed()).isEmpty();
        assertThat(notSuspended.summary()).contains("shard 1 is running, not suspended: nothing changed");

        kit.fc().faults().remove(poison);
        ResumeResponse resumed =
                (ResumeResponse) client.sendCoordinationRequest(id, FcDelivery.UID, ResumeRequest.allSuspended())
                        .get(30, TimeUnit.SECONDS);
        assertThat(resumed.resumed()).containsExactly("2");
        Await.until(
                "shard 2 delivered everything after the resume",
                TIMEOUT,
                () -> range(0, 20)
                        .equals(deliveredPerShard(DeliveredBatches.of(
                                        kit.fc().invocations().all()))
                                .get("2")));
        Await.value(
                "shard 2 running again",
                TIMEOUT,
                () -> status(client, id, "2"),
                s -> s.isPresent() && s.get().state() == ShardState.RUNNING);
        assertNoShardDeliveredTwice();
    }

    @Test
    void aSuspendedShardsBatchIsSentAgainAfterAStopWithSavepointAndAResumeAndEverythingArrivesOnceInOrder(
            @TempDir Path savepoints, @InjectClusterClient RestClusterClient<?> client) throws Exception {
        Fault poison = kit.fc().faults().add(Fault.functionError("poison pill").whenEventId("2:3"));
        produce(10);
        String[] args = {"--retry.max-attempts", "3", "--retry.interval", "100ms", "--suspend.probe-interval", "0"};
        JobClient job = start(args);
        Await.value(
                "shard 2 suspended",
                TIMEOUT,
                () -> status(client, job.getJobID(), "2"),
                s -> s.isPresent() && s.get().state() == ShardState.SUSPENDED);
        produce(10);
        for (String shard : List.of("0", "1", "3")) {
            Await.until(
                    "shard " + shard + " delivers while shard 2 is suspended",
                    TIMEOUT,
                    () -> range(0, 20)
                            .equals(deliveredPerShard(DeliveredBatches.of(
                                            kit.fc().invocations().all()))
                                    .get(shard)));
        }
        String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        assertThat(poison.fired())
                .as("exactly retry.max-attempts attempts before the stop")
                .isEqualTo(3);

        kit.fc().faults().remove(poison); // the function was fixed; the job is resubmitted from the savepoint
        produce(5);
        JobClient resumed = startFrom(savepoint, args);
        for (String shard : SHARDS) {
            Await.until(
                    "shard " + shard + " delivered all 25 records",
                    TIMEOUT,
                    () -> range(0, 25)
                            .equals(deliveredPerShard(DeliveredBatches.of(
                                            kit.fc().invocations().all()))
                                    .get(shard)));
        }
        assertNoShardDeliveredTwice();
    }

    @Test
    void aLetGoRangeThatExpiredBeforeItWasReadBackFailsTheJobUnderFailNamingShardAndRange(
            @InjectClusterRESTAddress URI rest) throws Exception {
        JobClient job = stuckShardLettingGoThenExpired(rest);
        Throwable failure =
                catchThrowable(() -> job.getJobExecutionResult().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        LostRecordsException lost = ExceptionUtils.findThrowable(failure, LostRecordsException.class)
                .orElseThrow(() -> new AssertionError("expected the job to fail with the lost range, got " + failure));
        assertThat(lost.getMessage()).contains("shop", "orders", "shard 0", "datahub.on-expired-position=oldest");
        assertThat(ExceptionUtils.findThrowable(failure, SuppressRestartsException.class))
                .as("retrying cannot bring expired records back: no restart")
                .isPresent();
    }

    @Test
    void underOldestALetGoRangeThatExpiredIsSkippedCountedAndTheShardGoesOn(@InjectClusterRESTAddress URI rest)
            throws Exception {
        JobClient job = stuckShardLettingGoThenExpired(rest, "--datahub.on-expired-position", "oldest");
        long n0 = produced.get("0").get();
        Await.until("shard 0 delivered up to its newest record", TIMEOUT, () -> {
            List<Long> d = deliveredPerShard(
                            DeliveredBatches.of(kit.fc().invocations().all()))
                    .get("0");
            return d != null && d.get(d.size() - 1) == n0 - 1;
        });
        List<Long> delivered = deliveredPerShard(
                        DeliveredBatches.of(kit.fc().invocations().all()))
                .get("0");
        assertThat(delivered).as("in order, once").isSorted().doesNotHaveDuplicates();
        assertThat(delivered)
                .as("what expired before it was read back is skipped")
                .doesNotContain(EXPIRED_BELOW - 1)
                .contains(EXPIRED_BELOW);
        JobRest metrics = new JobRest(rest, job.getJobID(), "FC svc/fn");
        long lost = Await.value(
                        "expiredRecordsSkipped reported",
                        TIMEOUT,
                        () -> metrics.metric(
                                MetricNames.CATCH_UP_GROUP + "." + SourceReader.EXPIRED_RECORDS_SKIPPED, "sum"),
                        v -> v.isPresent() && v.get() > 0)
                .get();
        long kept = delivered.stream().filter(s -> s < EXPIRED_BELOW).count();
        assertThat(lost).as("every skipped record counted").isEqualTo(EXPIRED_BELOW - kept);
    }

    private static final long EXPIRED_BELOW = 60;

    /** Shard 0 retries its batch at 0:5 while 100 more records arrive, letting most go; then those below 60 expire and the function is fixed. */
    private JobClient stuckShardLettingGoThenExpired(URI rest, String... extra) throws Exception {
        Fault poison = kit.fc().faults().add(Fault.functionError("poison pill").whenEventId("0:5"));
        produce(10);
        List<String> args = new ArrayList<>(List.of("--retry.max-attempts", "1000000", "--retry.interval", "100ms"));
        args.addAll(List.of(extra));
        JobClient job = start(args.toArray(String[]::new));
        JobRest metrics = new JobRest(rest, job.getJobID(), "FC svc/fn");
        Await.until("shard 0 stuck at its poisoned batch", TIMEOUT, () -> poison.fired() >= 3);
        produce(100);
        Await.value(
                "shard 0 let records go",
                TIMEOUT,
                () -> metrics.metric(MetricNames.ofShard("0", DeliveryShard.RECORDS_LET_GO), "max"),
                v -> v.isPresent() && v.get() >= 60);
        assertThat(kit.datahub().expireBefore("shop", "orders", "0", EXPIRED_BELOW))
                .isEqualTo((int) EXPIRED_BELOW);
        kit.fc().faults().remove(poison);
        return job;
    }

    private JobClient start(String... extra) throws Exception {
        return startFrom(null, extra);
    }

    /** Submits the job, restored from {@code savepoint} unless it is null. */
    private JobClient startFrom(String savepoint, String... extra) throws Exception {
        List<String> args = kit.jobArgs(
                "--start",
                "OLDEST",
                "--batch.max-records",
                "5",
                "--datahub.fetch-max-records",
                "50",
                "--datahub.protocol",
                "json",
                "--delivery.max-buffered-records-per-shard",
                String.valueOf(BUDGET));
        args.addAll(List.of(extra));
        JobPlan plan = DataHubFcSyncJob.prepare(args.toArray(String[]::new));
        Configuration conf = new Configuration();
        if (savepoint != null) conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        DataHubFcSyncJob.build(env, plan);
        JobClient job = env.executeAsync(plan.jobName());
        jobs.add(job);
        return job;
    }

    private void produce(int perShard) {
        for (int i = 0; i < perShard; i++) {
            for (String shard : SHARDS) {
                long n = produced.get(shard).getAndIncrement();
                kit.datahub().appendTuple("shop", "orders", shard, String.valueOf(n), "r" + n);
            }
        }
    }

    private static Optional<ShardStatus> status(RestClusterClient<?> client, JobID id, String shard) throws Exception {
        ShardStatusResponse r =
                (ShardStatusResponse) client.sendCoordinationRequest(id, FcDelivery.UID, new ShardStatusRequest())
                        .get(30, TimeUnit.SECONDS);
        return r.shards().stream().filter(s -> s.shardId().equals(shard)).findFirst();
    }

    /** Every successful delivery of a shard follows the previous one: no record reached the function twice in a success. */
    private void assertNoShardDeliveredTwice() {
        List<Batch> batches = DeliveredBatches.of(kit.fc().invocations().all());
        deliveredPerShard(batches)
                .forEach((shard, seqs) ->
                        assertThat(seqs).as("shard %s in order, once", shard).isEqualTo(range(0, seqs.size())));
    }
}
