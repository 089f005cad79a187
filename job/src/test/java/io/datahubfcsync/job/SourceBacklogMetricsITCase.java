package io.datahubfcsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.delivery.JobRest;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.function.DemoFunction;
import io.datahubfcsync.metrics.MetricNames.SourceReader;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.LocalKitExtension;
import io.datahubfcsync.testing.MiniClusters;
import io.datahubfcsync.testing.TupleSchemas;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The FLIP-33 source metrics an autoscaler scales on, read over the REST API (as the Flink
 * Kubernetes Operator's autoscaler reads them) while the whole job works off a backlog: a paced
 * delivery ({@code delivery.max-records-per-second}) with a small buffer backpressures the source,
 * so the backlog stays in DataHub and drains over several seconds.
 */
class SourceBacklogMetricsITCase {
    private static final int SHARDS = 4;
    private static final int PER_SHARD = 1_500;
    /** The backlog's records were written over this span before the job started (DataHub system time). */
    private static final Duration WRITTEN_OVER = Duration.ofSeconds(80);

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            MiniClusters.withSlots(2, MiniClusters.metricsFetchedEvery(Duration.ofMillis(200)));

    private final SettableClock clock = new SettableClock();

    @RegisterExtension
    final LocalKitExtension kit = LocalKitExtension.topic(
                    "shop", "orders", SHARDS, TupleSchemas.of("id BIGINT", "payload STRING"))
            .function("svc", "fn", new DemoFunction())
            .dataHub(DataHubEmulator.builder().clock(clock));

    /** DataHub's clock, set back while the backlog is written so that its records span {@link #WRITTEN_OVER}. */
    private static final class SettableClock extends Clock {
        volatile Duration offset = Duration.ZERO;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    @Test
    void pendingRecordsAndFetchEventTimeLagFallAsTheBacklogDrains(@InjectClusterRESTAddress URI rest) throws Exception {
        String payload = "x".repeat(1_000); // fills network buffers quickly: the backlog stays in DataHub
        long step = WRITTEN_OVER.toMillis() / PER_SHARD;
        for (int i = 0; i < PER_SHARD; i++) {
            clock.offset = WRITTEN_OVER.negated().plusMillis(i * step);
            for (int s = 0; s < SHARDS; s++)
                kit.datahub().appendTuple("shop", "orders", String.valueOf(s), String.valueOf(i), payload);
        }
        clock.offset = Duration.ZERO;

        JobPlan plan = DataHubFcSyncJob.prepare(kit.jobArgs(
                        "--start",
                        "OLDEST",
                        "--batch.max-records",
                        "10",
                        "--datahub.fetch-max-records",
                        "20",
                        "--delivery.max-records-per-second",
                        "500",
                        "--delivery.max-buffered-records",
                        "100")
                .toArray(new String[0]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataHubFcSyncJob.build(env, plan);
        JobClient job = env.executeAsync(plan.jobName());
        try {
            JobRest source = new JobRest(rest, job.getJobID(), "DataHub source shop/orders");
            List<long[]> samples = new ArrayList<>(); // {pendingRecords summed over the readers, max fetch lag ms}
            Await.value(
                    "the source's backlog drained",
                    Duration.ofSeconds(120),
                    Duration.ofMillis(500),
                    () -> {
                        Optional<Long> pending = source.metric(SourceReader.PENDING_RECORDS, "sum");
                        Optional<Long> lag = source.metric(SourceReader.CURRENT_FETCH_EVENT_TIME_LAG, "max");
                        if (pending.isPresent() && lag.isPresent() && lag.get() >= 0) {
                            samples.add(new long[] {pending.get(), lag.get()});
                        }
                        return pending;
                    },
                    pending -> pending.isPresent() && pending.get() == 0 && samples.size() > 1);

            // the readers' sum grows while they read their shards for the first time; from its peak on it only falls
            int peak = 0;
            for (int i = 1; i < samples.size(); i++) if (samples.get(i)[0] > samples.get(peak)[0]) peak = i;
            long[] first = samples.get(peak);
            long[] last = samples.get(samples.size() - 1);
            System.out.printf(
                    "source backlog: first sample %d pending, %d ms lag; last %d pending, %d ms lag; %d samples%n",
                    first[0], first[1], last[0], last[1], samples.size());
            assertThat(first[0])
                    .as("records behind the latest while the backlog exists")
                    .isGreaterThan(SHARDS * PER_SHARD / 2);
            assertThat(samples)
                    .as("the backlog falls step by step, not at once")
                    .anyMatch(s -> s[0] > 0 && s[0] < first[0] / 2);
            for (int i = peak + 1; i < samples.size(); i++) {
                assertThat(samples.get(i)[0])
                        .as("pendingRecords never grows without new records (sample %d)", i)
                        .isLessThanOrEqualTo(samples.get(i - 1)[0]);
            }
            assertThat(first[1])
                    .as("the first records read were written long before")
                    .isGreaterThan(40_000);
            assertThat(last[1]).as("fetch lag once the newest records are read").isLessThan(first[1] / 2);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }
}
