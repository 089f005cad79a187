package io.datahubfcsync.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobPlan;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.datahub.ShardSnapshot;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.metrics.MetricNames.DeliveryShard;
import io.datahubfcsync.metrics.MetricNames.SourceShard;
import io.datahubfcsync.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A shard that is done with takes its metrics along: on a MiniCluster with the whole job against
 * both emulators through the real SDKs, a split parent read to its end and delivered to its end
 * leaves the metric reporters, source side and delivery side, while its children, still open, keep
 * reporting. Read through a reporter that forgets removed metrics, as Prometheus's does.
 */
class FinishedShardMetricsITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String PROJECT = "shop";
    private static final String TOPIC = "events";
    private static final String PARENT = "0";
    private static final int PARENT_RECORDS = 40;
    private static final int CHILD_RECORDS = 10;
    private DataHubEmulator datahub;
    private FcEmulator fc;

    @BeforeEach
    void startKit() {
        datahub = DataHubEmulator.start();
        datahub.createProject(PROJECT);
        datahub.createTopic(PROJECT, TOPIC, 1, null);
        fc = FcEmulator.start();
        fc.createService("svc");
        fc.deployFunction("svc", "fn", (input, output, context) -> output.write("{}".getBytes(StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stopKit() {
        fc.close();
        datahub.close();
    }

    @Test
    void aSplitParentReadAndDeliveredToItsEndLeavesTheReportersWhileItsChildrenKeepReporting() throws Exception {
        append(PARENT, PARENT_RECORDS);
        JobClient job = start();
        try {
            JobID id = job.getJobID();
            Await.until(
                    "the parent's source and delivery metrics reported",
                    TIMEOUT,
                    () -> gauges(id, SourceShard.READ_SEQUENCE).containsKey(PARENT)
                            && gauges(id, DeliveryShard.DELIVERED_SEQUENCE).containsKey(PARENT));

            List<ShardSnapshot> children = datahub.splitShard(PROJECT, TOPIC, PARENT);
            for (ShardSnapshot child : children) append(child.shardId(), CHILD_RECORDS);
            Set<String> childIds = new TreeSet<>();
            children.forEach(c -> childIds.add(c.shardId()));
            // a child delivers only once its parent was delivered to its end
            Await.value(
                    "every child delivered to its last record",
                    TIMEOUT,
                    () -> gauges(id, DeliveryShard.DELIVERED_SEQUENCE),
                    delivered -> childIds.stream()
                            .allMatch(c -> Long.valueOf(CHILD_RECORDS - 1).equals(delivered.get(c))));

            Await.value(
                    "no metric of the parent left in any reporter",
                    TIMEOUT,
                    () -> metricsOfShard(id, PARENT),
                    Set::isEmpty);
            assertThat(gauges(id, SourceShard.READ_SEQUENCE))
                    .as("source side, children still open")
                    .containsOnlyKeys(childIds)
                    .allSatisfy((shard, v) -> assertThat(v).isEqualTo(CHILD_RECORDS - 1));
            assertThat(gauges(id, SourceShard.MILLIS_BEHIND_LATEST)).containsOnlyKeys(childIds);
            assertThat(gauges(id, DeliveryShard.DELIVERED_SEQUENCE))
                    .as("delivery side, children still open")
                    .containsOnlyKeys(childIds);
            assertThat(gauges(id, DeliveryShard.STATE)).containsOnlyKeys(childIds);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** The per-shard gauge {@code metric} of the job now, by shard id (only shards whose group reports it). */
    private static Map<String, Long> gauges(JobID job, String metric) {
        Map<String, Long> byShard = new TreeMap<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> g :
                METRICS.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = g.getKey().getAllVariables();
            String shard = variables.get("<" + MetricNames.SHARD_GROUP + ">");
            if (shard != null
                    && job.toString().equals(variables.get("<job_id>"))
                    && g.getValue().get(metric) instanceof Gauge<?> gauge
                    && gauge.getValue() instanceof Number n) {
                byShard.put(shard, n.longValue());
            }
        }
        return byShard;
    }

    /** Every metric of the job registered under the shard's group, by name. */
    private static Set<String> metricsOfShard(JobID job, String shardId) {
        Set<String> names = new TreeSet<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> g :
                METRICS.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = g.getKey().getAllVariables();
            if (shardId.equals(variables.get("<" + MetricNames.SHARD_GROUP + ">"))
                    && job.toString().equals(variables.get("<job_id>"))) {
                names.addAll(g.getValue().keySet());
            }
        }
        return names;
    }

    private JobClient start() throws Exception {
        JobPlan plan = DataHubFcSyncJob.prepare(new String[] {
            "--datahub.endpoint",
            datahub.endpoint(),
            "--datahub.project",
            PROJECT,
            "--datahub.topic",
            TOPIC,
            "--fc.endpoint",
            fc.endpoint(),
            "--fc.account-id",
            fc.accountId(),
            "--region",
            "cn-shanghai",
            "--fc.service",
            "svc",
            "--fc.function",
            "fn",
            "--start",
            "OLDEST",
            "--batch.max-records",
            "10",
            "--datahub.shard-discovery-interval",
            "300ms"
        });
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        DataHubFcSyncJob.build(env, plan);
        return env.executeAsync(plan.jobName());
    }

    private void append(String shard, int records) {
        for (int i = 0; i < records; i++) {
            datahub.appendBlob(PROJECT, TOPIC, shard, (shard + "-" + i).getBytes(StandardCharsets.UTF_8));
        }
    }
}
