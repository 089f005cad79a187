package io.datahubfcsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.local.datahub.StoredRecord;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.InvocationRecord;
import io.datahubfcsync.local.function.DemoFunction;
import io.datahubfcsync.testing.LocalKitExtension;
import io.datahubfcsync.testing.MiniClusters;
import io.datahubfcsync.testing.TupleSchemas;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job as users submit it — parameters, start-up checks, DataHub source, keyBy, FC delivery —
 * on a MiniCluster against both emulators through the real SDKs, as a bounded backfill (start..stop).
 */
class DataHubFcSyncJobITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @RegisterExtension
    final LocalKitExtension kit = LocalKitExtension.topic(
                    "shop", "orders", 4, TupleSchemas.of("id BIGINT", "name STRING", "ok BOOLEAN"))
            .function("svc", "fn", new DemoFunction())
            .fc(FcEmulator.builder().region("cn-shanghai"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private URI restAddress;

    @BeforeEach
    void restAddress(@InjectClusterRESTAddress URI restAddress) {
        this.restAddress = restAddress;
    }

    @Test
    void backfillDeliversEveryRecordOnceInOrderPerShardInTheDataHubEventFormat() throws Exception {
        int perShard = 150;
        Map<String, List<StoredRecord>> written = new HashMap<>();
        for (int i = 0; i < perShard; i++) {
            for (String shard : List.of("0", "1", "2", "3")) {
                written.computeIfAbsent(shard, s -> new ArrayList<>())
                        .add(kit.datahub()
                                .appendTuple(
                                        "shop",
                                        "orders",
                                        shard,
                                        String.valueOf(i),
                                        i % 10 == 0 ? null : "n\"" + i,
                                        String.valueOf(i % 2 == 0)));
            }
        }
        long stop = System.currentTimeMillis() + 1;

        JobPlan plan = DataHubFcSyncJob.prepare(kit.jobArgs(
                        "--start",
                        "OLDEST",
                        "--stop",
                        String.valueOf(stop),
                        "--batch.max-records",
                        "7",
                        "--datahub.fetch-max-records",
                        "50",
                        "--datahub.protocol",
                        "json")
                .toArray(new String[0]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        DataHubFcSyncJob.build(env, plan);
        JobExecutionResult result =
                env.execute(plan.jobName()); // bounded by --stop: returns when every shard passed it
        assertSecretNowhere(result.getJobID().toString());

        Map<String, List<Long>> delivered = new HashMap<>();
        for (InvocationRecord inv : kit.fc().invocations().all()) {
            assertThat(inv.outcome()).isEqualTo(InvocationRecord.Outcome.SUCCESS);
            JsonNode event = JSON.readTree(inv.payload());
            assertThat(fieldNames(event))
                    .containsExactly("eventSource", "eventName", "eventSourceARN", "region", "records");
            assertThat(event.get("eventSource").asText()).isEqualTo("acs:datahub");
            assertThat(event.get("eventName").asText()).isEqualTo("acs:datahub:putRecord");
            assertThat(event.get("eventSourceARN").asText()).isEqualTo("/projects/shop/topics/orders");
            assertThat(event.get("region").asText()).isEqualTo("cn-shanghai");
            assertThat(event.get("records").size()).isBetween(1, 7);
            String shardOfEvent = null;
            for (JsonNode r : event.get("records")) {
                String[] id = r.get("eventId").asText().split(":");
                if (shardOfEvent == null) shardOfEvent = id[0];
                assertThat(id[0]).as("one event holds one shard").isEqualTo(shardOfEvent);
                long seq = Long.parseLong(id[1]);
                StoredRecord stored = written.get(id[0]).get((int) seq);
                assertThat(r.get("systemTime").asLong()).isEqualTo(stored.systemTime());
                long i = seq;
                String expectedData = "[\"" + i + "\"," + (i % 10 == 0 ? "null" : "\"n\\\"" + i + "\"") + ",\""
                        + (i % 2 == 0) + "\"]";
                assertThat(r.get("data").asText()).isEqualTo(expectedData);
                delivered.computeIfAbsent(id[0], s -> new ArrayList<>()).add(seq);
            }
        }
        for (String shard : List.of("0", "1", "2", "3")) {
            List<Long> expected = new ArrayList<>();
            for (long s = 0; s < perShard; s++) expected.add(s);
            assertThat(delivered.get(shard))
                    .as("shard %s: every record once, in sequence order", shard)
                    .containsExactlyElementsOf(expected);
        }
    }

    /**
     * The secret is in this JVM's environment (surefire sets it, as a TaskManager would have it): it must not reach the
     * job's configuration in the REST API (what the web UI shows), nor the log.
     */
    private void assertSecretNowhere(String jobId) throws Exception {
        String secret = System.getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
        assertThat(secret).as("surefire sets the test secret").isNotBlank();
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of(
                "/jobs/" + jobId + "/config",
                "/jobs/" + jobId,
                "/jobs/" + jobId + "/exceptions",
                "/jobmanager/config")) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(restAddress.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as("REST %s", path).doesNotContain(secret);
            if (path.equals("/jobs/" + jobId + "/config")) assertThat(r.body()).contains("datahub.project");
        }
        Path log = Paths.get("target", "test.log");
        if (Files.exists(log)) {
            assertThat(Files.readString(log)).as("target/test.log").doesNotContain(secret);
        }
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
