package io.datahubfcsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.InvocationRecord;
import io.datahubfcsync.local.function.DemoFunction;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.LocalKitExtension;
import io.datahubfcsync.testing.MiniClusters;
import io.datahubfcsync.testing.TupleSchemas;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop-with-savepoint then resume delivers each record exactly once — also when the
 * function is slow, so that batches are on the wire at the moment the savepoint is taken.
 */
class StopWithSavepointITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @RegisterExtension
    final LocalKitExtension kit = LocalKitExtension.topic("shop", "orders", SHARDS.size(), TupleSchemas.of("id BIGINT"))
            .function("svc", "fn", new DemoFunction());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SHARDS = List.of("0", "1", "2", "3");

    @TempDir
    Path savepoints;

    @Test
    void resumeAfterStopWithSavepointDeliversEveryRecordExactlyOnceEvenWithCallsInFlight() throws Exception {
        int perShard = 120;
        for (int i = 0; i < perShard; i++) {
            for (String shard : SHARDS) kit.datahub().appendTuple("shop", "orders", shard, String.valueOf(i));
        }
        kit.fc()
                .faults()
                .add(Fault.latency(Duration.ofMillis(300))); // every call is slow: calls are on the wire at the stop

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        DataHubFcSyncJob.build(env, plan(null));
        JobClient first = env.executeAsync("before the stop");
        Await.until(
                "some batches delivered",
                Duration.ofSeconds(60),
                () -> kit.fc().invocations().total() >= 8);
        String savepoint = first.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(120, TimeUnit.SECONDS);
        first.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        long beforeResume = kit.fc().invocations().total();
        assertThat(beforeResume)
                .as("the stop came before everything was delivered")
                .isLessThan(perShard * 4L / 5);

        kit.fc().faults().clear();
        StreamExecutionEnvironment env2 = StreamExecutionEnvironment.getExecutionEnvironment();
        env2.setParallelism(2);
        DataHubFcSyncJob.build(env2, plan(System.currentTimeMillis() + 1));
        StreamGraph graph = env2.getStreamGraph();
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        env2.execute(graph);

        Map<String, List<Long>> delivered = new HashMap<>();
        for (InvocationRecord inv : kit.fc().invocations().all()) {
            assertThat(inv.outcome()).isEqualTo(InvocationRecord.Outcome.SUCCESS);
            for (JsonNode r : JSON.readTree(inv.payload()).get("records")) {
                String[] id = r.get("eventId").asText().split(":");
                delivered.computeIfAbsent(id[0], s -> new ArrayList<>()).add(Long.parseLong(id[1]));
            }
        }
        for (String shard : SHARDS) {
            List<Long> expected = new ArrayList<>();
            for (long s = 0; s < perShard; s++) expected.add(s);
            assertThat(delivered.get(shard))
                    .as("shard %s: every record exactly once, in order, across the stop", shard)
                    .containsExactlyElementsOf(expected);
        }
    }

    private JobPlan plan(Long stop) {
        List<String> args = kit.jobArgs("--start", "OLDEST", "--batch.max-records", "5");
        if (stop != null) args.addAll(List.of("--stop", String.valueOf(stop)));
        return DataHubFcSyncJob.prepare(args.toArray(new String[0]));
    }
}
