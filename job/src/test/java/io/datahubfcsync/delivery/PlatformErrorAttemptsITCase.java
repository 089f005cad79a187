package io.datahubfcsync.delivery;

import static io.datahubfcsync.testing.DeliveredBatches.deliveredPerShard;
import static io.datahubfcsync.testing.DeliveredBatches.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.TestFunctions;
import io.datahubfcsync.metrics.MetricNames;
import io.datahubfcsync.metrics.MetricNames.DeliveryShard;
import io.datahubfcsync.testing.DeliveredBatches;
import io.datahubfcsync.testing.DeliveredBatches.Batch;
import io.datahubfcsync.testing.FcEmulatorExtension;
import io.datahubfcsync.testing.MiniClusters;
import io.datahubfcsync.testing.TestRecordSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FC answering 5xx, through the real FC 2.0 SDK on a MiniCluster: every attempt the job counts is one
 * request FC received (the SDK's own immediate re-sends never reach the wire), and the attempts of
 * a batch are paced by {@code retry.interval}, not fired back to back.
 */
class PlatformErrorAttemptsITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            MiniClusters.withSlots(1, METRICS.addToConfiguration(new Configuration()));

    @RegisterExtension
    static final FcEmulatorExtension FC =
            FcEmulatorExtension.withFunction(FcTestBed.SERVICE, FcTestBed.FUNCTION, new TestFunctions.Echo());

    @Test
    void eachAttemptAgainstAFailingPlatformIsOneRequestAndAttemptsAreTheRetryIntervalApart() throws Exception {
        Duration interval = Duration.ofMillis(300);
        FC.faults().add(Fault.serverError().times(3));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        FcDelivery.attach(
                FcTestBed.records(env, TestRecordSource.bounded(TestRecordSource.roundRobin(1), 3)),
                FcTestBed.config().retryInterval(interval).build(),
                FcTestBed.invokers(FC.emulator()));

        JobExecutionResult result = env.execute("5xx attempts");

        List<Batch> received = DeliveredBatches.of(FC.invocations().all());
        assertThat(deliveredPerShard(received).get("0")).isEqualTo(range(0, 3));
        List<Batch> firstBatch = received.stream().filter(b -> b.holds("0", 0)).toList();
        assertThat(firstBatch)
                .as("3 answered 500, then the batch went through")
                .extracting(Batch::succeeded)
                .containsExactly(false, false, false, true);
        for (int i = 1; i < firstBatch.size(); i++) {
            Duration pause = Duration.between(
                    firstBatch.get(i - 1).finished(), firstBatch.get(i).received());
            assertThat(pause).as("pause before request %d", i + 1).isGreaterThanOrEqualTo(interval);
        }
        long failedRequests = received.stream().filter(b -> !b.succeeded()).count();
        assertThat(counter(result, MetricNames.ofShard("0", DeliveryShard.INVOCATIONS)))
                .as("invocations = requests FC received")
                .isEqualTo(FC.invocations().total());
        assertThat(counter(result, MetricNames.ofShard("0", DeliveryShard.FAILED_ATTEMPTS)))
                .as("failedAttempts = requests FC failed")
                .isEqualTo(failedRequests)
                .isEqualTo(3);
    }

    private static long counter(JobExecutionResult result, String suffix) {
        String jobId = result.getJobID().toString();
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                METRICS.getMetricsByGroup().entrySet()) {
            if (!jobId.equals(group.getKey().getAllVariables().get("<job_id>"))) continue;
            for (Map.Entry<String, Metric> m : group.getValue().entrySet()) {
                if (group.getKey().getMetricIdentifier(m.getKey()).endsWith("." + suffix)) {
                    sum += ((Counter) m.getValue()).getCount();
                }
            }
        }
        return sum;
    }
}
