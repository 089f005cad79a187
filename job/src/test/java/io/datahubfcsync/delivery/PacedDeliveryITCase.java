package io.datahubfcsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.TestFunctions;
import io.datahubfcsync.metrics.MetricNames.Delivery;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.DeliveredBatches;
import io.datahubfcsync.testing.DeliveredBatches.Batch;
import io.datahubfcsync.testing.FcEmulatorExtension;
import io.datahubfcsync.testing.MiniClusters;
import io.datahubfcsync.testing.TestRecordSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code delivery.max-records-per-second} on a MiniCluster at parallelism 2, with a backlog far
 * larger than the paced window: the real FC SDK invokes a function hosted by the FC emulator, and
 * the rate is what the emulator received.
 */
class PacedDeliveryITCase {
    private static final int SHARDS = 8;
    private static final int RATE = 300;
    private static final int BATCH = 10;
    /** The first seconds are left out: start-up, and the tokens a bucket holds before it is used. */
    private static final Duration WARM_UP = Duration.ofSeconds(3);

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            MiniClusters.withSlots(2, MiniClusters.metricsFetchedEvery(Duration.ofMillis(200)));

    @RegisterExtension
    static final FcEmulatorExtension FC = FcEmulatorExtension.withFunction(
                    FcTestBed.SERVICE, FcTestBed.FUNCTION, new TestFunctions.Echo())
            .invocationLogCapacity(100_000);

    @Test
    void aBacklogIsDeliveredAtTheConfiguredRateWithinTenPercentOverThirtySeconds() throws Exception {
        Duration window = Duration.ofSeconds(30);
        JobClient job = startPacedJob(SHARDS * 3_000); // 24,000 records: 80 s at the paced rate
        try {
            Instant from =
                    DeliveredBatches.firstReceived(() -> FC.invocations().all()).plus(WARM_UP);
            Instant to = from.plus(window);
            List<Batch> calls =
                    DeliveredBatches.receivedBetween(() -> FC.invocations().all(), from, to);

            long delivered = calls.stream()
                    .filter(Batch::succeeded)
                    .mapToLong(b -> b.sequences().size())
                    .sum();
            double rate = delivered / (double) window.toSeconds();
            System.out.printf("paced at %d/s: %.1f records/s delivered over %s%n", RATE, rate, window);
            assertThat(rate)
                    .as("records delivered per second over %s (%d records)", window, delivered)
                    .isBetween(RATE * 0.9, RATE * 1.1);
            assertThat(calls).as("every call succeeded").allMatch(Batch::succeeded);
            assertThat(calls.stream().map(Batch::shard).distinct().count())
                    .as("every shard had its turn")
                    .isEqualTo(SHARDS);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aThrottlingFunctionSlowsThePaceBelowTheSettingAndItGrowsBackAfterwards(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Duration window = Duration.ofSeconds(20);
        Fault throttled = FC.faults().add(Fault.throttled().withProbability(0.2, 42));
        JobClient job = startPacedJob(SHARDS * 3_000);
        try {
            JobRest rest = new JobRest(
                    cluster.getRestAddress().get(30, TimeUnit.SECONDS),
                    job.getJobID(),
                    "FC " + FcTestBed.SERVICE + "/" + FcTestBed.FUNCTION);
            Instant from =
                    DeliveredBatches.firstReceived(() -> FC.invocations().all()).plus(WARM_UP);
            Instant to = from.plus(window);
            List<Batch> calls =
                    DeliveredBatches.receivedBetween(() -> FC.invocations().all(), from, to);

            long delivered = calls.stream()
                    .filter(Batch::succeeded)
                    .mapToLong(b -> b.sequences().size())
                    .sum();
            System.out.printf(
                    "paced at %d/s with 20%% of calls throttled: %.1f records/s delivered, %.1f calls/s%n",
                    RATE, delivered / (double) window.toSeconds(), calls.size() / (double) window.toSeconds());
            assertThat(throttled.fired()).as("429s answered").isPositive();
            assertThat(delivered / (double) window.toSeconds())
                    .as("records delivered per second while FC throttles")
                    .isPositive()
                    .isLessThan(RATE * 0.5);
            assertThat(calls.size() / (double) window.toSeconds())
                    .as("calls per second, throttled ones included: no storm of quick retries")
                    .isLessThan(RATE / (double) BATCH * 0.5);
            // the subtasks' shares add up to the setting (each holds shards with a backlog)
            Await.value(
                    "the subtasks' paced rates together below half the setting",
                    Duration.ofSeconds(30),
                    Duration.ofMillis(200),
                    () -> rest.metric(Delivery.PACED_RECORDS_PER_SECOND, "sum"),
                    v -> v.isPresent() && v.get() < RATE * 0.5);

            FC.faults().remove(throttled);
            Await.value(
                    "the subtasks back at their shares, together the setting, once FC accepts the calls",
                    Duration.ofSeconds(60),
                    Duration.ofMillis(500),
                    () -> rest.metric(Delivery.PACED_RECORDS_PER_SECOND, "sum"),
                    (Optional<Long> v) -> v.isPresent() && Math.abs(v.get() - RATE) <= 1);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static JobClient startPacedJob(int records) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DeliveryConfig config = FcTestBed.config()
                .batchMaxRecords(BATCH)
                .maxRecordsPerSecond(RATE)
                .retryMaxAttempts(100_000)
                .build();
        FcDelivery.attach(
                FcTestBed.records(env, TestRecordSource.thenIdle(TestRecordSource.roundRobin(SHARDS), records, 0)),
                config,
                FcTestBed.invokers(FC.emulator()));
        return env.executeAsync("paced delivery");
    }
}
