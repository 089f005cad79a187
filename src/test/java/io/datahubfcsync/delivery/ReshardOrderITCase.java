package io.datahubfcsync.delivery;

import static io.datahubfcsync.delivery.DeliveredBatches.deliveredPerShard;
import static io.datahubfcsync.delivery.DeliveredBatches.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.delivery.DeliveredBatches.Batch;
import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobPlan;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.datahub.ShardSnapshot;
import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Delivery order across a split and a merge, on a MiniCluster with the whole job against both
 * emulators through the real SDKs and a slow function: no record of a child reaches the function
 * before every record of each parent was acknowledged, although parents and children are
 * different keys on different subtasks (the delivery operator's coordinator tells the children).
 */
class ReshardOrderITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String PROJECT = "shop";
    private static final String TOPIC = "events";
    private DataHubEmulator datahub;
    private FcEmulator fc;

    @BeforeEach
    void startKit() {
        datahub = DataHubEmulator.start();
        datahub.createProject(PROJECT);
        datahub.createTopic(PROJECT, TOPIC, 2, null);
        fc = FcEmulator.start();
        fc.createService("svc");
        fc.deployFunction("svc", "fn", (input, output, context) -> output.write("{}".getBytes(StandardCharsets.UTF_8)));
        // a slow function: each shard delivers at most 50 records a second, so parents still drain when children come
        fc.faults().add(Fault.latency(Duration.ofMillis(200)));
    }

    @AfterEach
    void stopKit() {
        fc.close();
        datahub.close();
    }

    @Test
    void aChildsFirstRecordReachesTheFunctionOnlyAfterEveryParentsLastWasAcknowledged() throws Exception {
        append("0", 200);
        append("1", 200);
        JobClient job = start();
        try {
            Await.until("shard 0 delivering", TIMEOUT, () -> deliveredOf("0") >= 20);
            List<ShardSnapshot> children = datahub.splitShard(PROJECT, TOPIC, "0");
            for (ShardSnapshot child : children) append(child.shardId(), 60);
            // the upper child of 0 borders 1: their merge is a shard whose parent is itself a child
            ShardSnapshot upper = children.stream().max(Comparator.comparing(ShardSnapshot::endHashKey)).orElseThrow();
            ShardSnapshot merged = datahub.mergeShard(PROJECT, TOPIC, upper.shardId(), "1");
            append(merged.shardId(), 60);

            List<ShardSnapshot> shards = datahub.shards(PROJECT, TOPIC);
            for (ShardSnapshot shard : shards) {
                long n = datahub.records(PROJECT, TOPIC, shard.shardId()).size();
                Await.until("shard " + shard.shardId() + " delivered all " + n, TIMEOUT,
                        () -> range(0, n).equals(deliveredPerShard(DeliveredBatches.of(fc.invocations().all()))
                                .get(shard.shardId())));
            }
            List<Batch> batches = DeliveredBatches.of(fc.invocations().all());
            List<String> violations = new ArrayList<>();
            int checked = 0;
            for (ShardSnapshot shard : shards) {
                for (String parent : shard.parentShardIds()) {
                    Instant childFirst = firstReceived(batches, shard.shardId());
                    Instant parentLast = lastAnswered(batches, parent);
                    checked++;
                    if (!childFirst.isAfter(parentLast)) {
                        violations.add("child " + shard.shardId() + " first invoked at " + childFirst + ", parent "
                                + parent + " last answered at " + parentLast);
                    }
                }
            }
            assertThat(checked).as("parent-child pairs: 0 -> two children, upper child and 1 -> merged").isEqualTo(4);
            assertThat(violations).as("every child's first invocation after each parent's last acknowledgement").isEmpty();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private JobClient start() throws Exception {
        JobPlan plan = DataHubFcSyncJob.prepare(new String[] {
            "--datahub.endpoint", datahub.endpoint(), "--datahub.project", PROJECT, "--datahub.topic", TOPIC,
            "--fc.endpoint", fc.endpoint(), "--fc.account-id", fc.accountId(), "--region", "cn-shanghai",
            "--fc.service", "svc", "--fc.function", "fn", "--start", "OLDEST", "--batch.max-records", "10",
            "--datahub.shard-discovery-interval", "500ms", "--datahub.fetch-max-records", "100"});
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        DataHubFcSyncJob.build(env, plan);
        return env.executeAsync(plan.jobName());
    }

    private void append(String shard, int records) {
        for (int i = 0; i < records; i++) {
            datahub.appendBlob(PROJECT, TOPIC, shard, (shard + "-" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private long deliveredOf(String shard) {
        return deliveredPerShard(DeliveredBatches.of(fc.invocations().all())).getOrDefault(shard, List.of()).size();
    }

    private static Instant firstReceived(List<Batch> batches, String shard) {
        return batches.stream().filter(b -> b.shard().equals(shard) && b.succeeded()).map(Batch::received)
                .min(Comparator.naturalOrder()).orElseThrow(() -> new AssertionError("shard " + shard + " never delivered"));
    }

    private static Instant lastAnswered(List<Batch> batches, String shard) {
        Map<String, Instant> last = new HashMap<>();
        batches.stream().filter(b -> b.shard().equals(shard) && b.succeeded())
                .forEach(b -> last.merge(shard, b.finished(), (a, c) -> a.isAfter(c) ? a : c));
        if (!last.containsKey(shard)) throw new AssertionError("parent " + shard + " never delivered");
        return last.get(shard);
    }
}
