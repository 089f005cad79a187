package io.datahubfcsync.delivery;

import static io.datahubfcsync.testing.DeliveredBatches.deliveredPerShard;
import static io.datahubfcsync.testing.DeliveredBatches.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobPlan;
import io.datahubfcsync.local.datahub.ShardSnapshot;
import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.DeliveredBatches;
import io.datahubfcsync.testing.DeliveredBatches.Batch;
import io.datahubfcsync.testing.LocalKitExtension;
import io.datahubfcsync.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery order across a split and a merge, on a MiniCluster with the whole job against both
 * emulators through the real SDKs and a slow function: no record of a child reaches the function
 * before every record of each parent was acknowledged, although parents and children are
 * different keys on different subtasks (the delivery operator's coordinator tells the children).
 */
class ReshardOrderITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(3);

    @RegisterExtension
    final LocalKitExtension kit = LocalKitExtension.topic(PROJECT, TOPIC, 2, null)
            .function("svc", "fn", (input, output, context) -> output.write("{}".getBytes(StandardCharsets.UTF_8)));

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String PROJECT = "shop";
    private static final String TOPIC = "events";

    @BeforeEach
    void slowFunction() {
        // a slow function: each shard delivers at most 50 records a second, so parents still drain when children come
        kit.fc().faults().add(Fault.latency(Duration.ofMillis(200)));
    }

    @Test
    void aChildsFirstRecordReachesTheFunctionOnlyAfterEveryParentsLastWasAcknowledged() throws Exception {
        append("0", 200);
        append("1", 200);
        JobClient job = start();
        try {
            Await.until("shard 0 delivering", TIMEOUT, () -> deliveredOf("0") >= 20);
            List<ShardSnapshot> children = kit.datahub().splitShard(PROJECT, TOPIC, "0");
            for (ShardSnapshot child : children) append(child.shardId(), 60);
            // the upper child of 0 borders 1: their merge is a shard whose parent is itself a child
            ShardSnapshot upper = children.stream()
                    .max(Comparator.comparing(ShardSnapshot::endHashKey))
                    .orElseThrow();
            ShardSnapshot merged = kit.datahub().mergeShard(PROJECT, TOPIC, upper.shardId(), "1");
            append(merged.shardId(), 60);

            assertEverythingDeliveredOnceInLineageOrder(4);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Stop-with-savepoint while a split parent still drains, resumed at parallelism 3, stopped again
     * while the children wait or start, resumed at parallelism 1: the coordinator's delivered set and
     * the lanes' gates travel in the savepoints, so order holds and nothing is delivered twice.
     */
    @Test
    void aStopWithSavepointInTheMiddleOfAReshardResumedAtParallelism3Then1KeepsTheOrderExactlyOnce(
            @TempDir Path savepoints) throws Exception {
        append("0", 200);
        append("1", 100);
        JobClient job = start(2, null);
        Await.until("shard 0 delivering", TIMEOUT, () -> deliveredOf("0") >= 20);
        for (ShardSnapshot child : kit.datahub().splitShard(PROJECT, TOPIC, "0")) append(child.shardId(), 60);
        Await.until("the source past shard 0's end", TIMEOUT, () -> deliveredOf("0") >= 60);
        String first = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        assertThat(deliveredOf("0"))
                .as("stopped while the parent still drained")
                .isLessThan(200);

        JobClient wider = start(3, first);
        Await.until("shard 0 delivering again", TIMEOUT, () -> deliveredOf("0") >= 120);
        String second = wider.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        wider.getJobExecutionResult().get(60, TimeUnit.SECONDS);

        JobClient narrow = start(1, second);
        try {
            assertEverythingDeliveredOnceInLineageOrder(2);
        } finally {
            narrow.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Waits until each shard's records were all delivered, each once and in order, and checks lineage order. */
    private void assertEverythingDeliveredOnceInLineageOrder(int pairs) {
        List<ShardSnapshot> shards = kit.datahub().shards(PROJECT, TOPIC);
        for (ShardSnapshot shard : shards) {
            long n = kit.datahub().records(PROJECT, TOPIC, shard.shardId()).size();
            Await.until(
                    "shard " + shard.shardId() + " delivered all " + n + ", each once",
                    TIMEOUT,
                    () -> range(0, n)
                            .equals(deliveredPerShard(DeliveredBatches.of(
                                            kit.fc().invocations().all()))
                                    .get(shard.shardId())));
        }
        List<Batch> batches = DeliveredBatches.of(kit.fc().invocations().all());
        List<String> violations = new ArrayList<>();
        int checked = 0;
        for (ShardSnapshot shard : shards) {
            for (String parent : shard.parentShardIds()) {
                Instant childFirst = firstReceived(batches, shard.shardId());
                Instant parentLast = lastAnswered(batches, parent);
                checked++;
                if (!childFirst.isAfter(parentLast)) {
                    violations.add("child " + shard.shardId() + " first invoked at " + childFirst + ", parent " + parent
                            + " last answered at " + parentLast);
                }
            }
        }
        assertThat(checked).as("parent-child pairs").isEqualTo(pairs);
        assertThat(violations)
                .as("every child's first invocation after each parent's last acknowledgement")
                .isEmpty();
    }

    private JobClient start() throws Exception {
        return start(2, null);
    }

    private JobClient start(int parallelism, String savepoint) throws Exception {
        JobPlan plan = DataHubFcSyncJob.prepare(kit.jobArgs(
                        "--start",
                        "OLDEST",
                        "--batch.max-records",
                        "10",
                        "--datahub.shard-discovery-interval",
                        "500ms",
                        "--datahub.fetch-max-records",
                        "100")
                .toArray(new String[0]));
        Configuration conf = new Configuration();
        if (savepoint != null) conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(500);
        DataHubFcSyncJob.build(env, plan);
        return env.executeAsync(plan.jobName());
    }

    private void append(String shard, int records) {
        for (int i = 0; i < records; i++) {
            kit.datahub().appendBlob(PROJECT, TOPIC, shard, (shard + "-" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private long deliveredOf(String shard) {
        return deliveredPerShard(DeliveredBatches.of(kit.fc().invocations().all()))
                .getOrDefault(shard, List.of())
                .size();
    }

    private static Instant firstReceived(List<Batch> batches, String shard) {
        return batches.stream()
                .filter(b -> b.shard().equals(shard) && b.succeeded())
                .map(Batch::received)
                .min(Comparator.naturalOrder())
                .orElseThrow(() -> new AssertionError("shard " + shard + " never delivered"));
    }

    private static Instant lastAnswered(List<Batch> batches, String shard) {
        Map<String, Instant> last = new HashMap<>();
        batches.stream()
                .filter(b -> b.shard().equals(shard) && b.succeeded())
                .forEach(b -> last.merge(shard, b.finished(), (a, c) -> a.isAfter(c) ? a : c));
        if (!last.containsKey(shard)) throw new AssertionError("parent " + shard + " never delivered");
        return last.get(shard);
    }
}
