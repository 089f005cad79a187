package io.datahubfcsync.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobPlan;
import io.datahubfcsync.local.function.DemoFunction;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.DeliveredBatches;
import io.datahubfcsync.testing.LocalKitExtension;
import io.datahubfcsync.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job with {@code datahub.subscription=auto} on a MiniCluster: after completed checkpoints
 * the subscription shows each shard's last delivered sequence, and never a position FC has not
 * acknowledged.
 */
class SubscriptionProgressITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @RegisterExtension
    final LocalKitExtension kit =
            LocalKitExtension.topic("shop", "orders", SHARDS.size(), null).function("svc", "fn", new DemoFunction());

    private static final List<String> SHARDS = List.of("0", "1", "2", "3");

    @Test
    void theSubscriptionShowsEachShardsLastDeliveredRecordAndNeverMoreThanFcAcknowledged() throws Exception {
        int perShard = 300;
        for (int i = 0; i < perShard; i++) {
            for (String shard : SHARDS)
                kit.datahub().appendBlob("shop", "orders", shard, ("r" + i).getBytes(StandardCharsets.UTF_8));
        }
        JobPlan plan = DataHubFcSyncJob.prepare(
                kit.jobArgs("--start", "OLDEST", "--batch.max-records", "10", "--datahub.subscription", "auto")
                        .toArray(new String[0]));
        assertThat(plan.subscriptionId())
                .as("auto created the job's subscription")
                .isNotNull();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        JobClient job = DataHubFcSyncJob.start(env, plan);
        try {
            Map<String, Long> committed = Await.value(
                    "every shard's last sequence committed to the subscription",
                    Duration.ofSeconds(60),
                    () -> {
                        Map<String, Long> now =
                                kit.datahub().committedSequences("shop", "orders", plan.subscriptionId(), SHARDS);
                        Map<String, Long> acknowledged = acknowledgedBySuccess();
                        for (String shard : SHARDS) {
                            assertThat(now.get(shard))
                                    .as("shard %s: committed, never beyond what FC acknowledged", shard)
                                    .isLessThanOrEqualTo(acknowledged.getOrDefault(shard, -1L));
                        }
                        return now;
                    },
                    now -> SHARDS.stream().allMatch(s -> now.get(s) == perShard - 1));
            assertThat(committed).hasSize(SHARDS.size());
        } finally {
            job.cancel().get();
        }
    }

    /** Highest sequence per shard inside the events FC answered with success. */
    private Map<String, Long> acknowledgedBySuccess() {
        return DeliveredBatches.highestDelivered(
                DeliveredBatches.of(kit.fc().invocations().all()));
    }
}
