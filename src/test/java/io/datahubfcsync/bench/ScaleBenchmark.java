package io.datahubfcsync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobPlan;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * B4: 16 and 256 shards (DataHub's per-topic maximum) on parallelism 2: heap held per shard (slope
 * between the two runs, after a full GC, job running and caught up), throughput, and the size and
 * duration of a checkpoint taken while every shard has state.
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=ScaleBenchmark}
 */
public final class ScaleBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=ScaleBenchmark";
    private static final int PER_SHARD = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        BenchResults results = new BenchResults("b4-scale", COMMAND);
        double[] heap = new double[2];
        int[] shardCounts = {16, 256};
        for (int i = 0; i < shardCounts.length; i++) {
            int shards = shardCounts[i];
            double[] r = run(shards);
            heap[i] = r[0];
            results.add("throughput, " + shards + " shards, p=2", r[1], "records/s", "");
            results.add("checkpoint size, " + shards + " shards", r[2] / 1024.0, "KiB", "");
            results.add("checkpoint duration, " + shards + " shards", r[3], "ms", shards == 256 ? "< 2000" : "");
            results.add("heap used with the job caught up, " + shards + " shards", r[0] / 1024 / 1024, "MiB", "");
        }
        results.add("heap per additional shard (16 -> 256)", (heap[1] - heap[0]) / (256 - 16) / 1024.0, "KiB/shard",
                "linear, modest");
        results.write();
        System.exit(0);
    }

    /** @return {heap bytes, records/s, checkpoint bytes, checkpoint ms} */
    private static double[] run(int shards) throws Exception {
        try (BenchKit kit = new BenchKit(shards)) {
            kit.preload(shards, PER_SHARD);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            JobPlan plan = DataHubFcSyncJob.prepare(kit.jobArgs("--datahub.shard-discovery-interval", "1s"));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(
                    Configuration.fromMap(Map.of("rest.port", String.valueOf(port), "rest.bind-address", "127.0.0.1",
                            "taskmanager.numberOfTaskSlots", "2", "pipeline.auto-generate-uids", "false")));
            env.setParallelism(2);
            env.enableCheckpointing(1_000);
            JobClient job = DataHubFcSyncJob.start(env, plan);
            long total = (long) shards * PER_SHARD;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (delivered(kit) < total && System.nanoTime() < deadline) LockSupport.parkNanos(50_000_000L);
            if (delivered(kit) < total) throw new IllegalStateException("not drained: " + delivered(kit) + " of " + total);
            double recordsPerSecond = kit.recordsPerSecond(total);
            // a checkpoint completed after the drain: every shard has state (positions, delivered sequence)
            String uri = "http://127.0.0.1:" + port + "/jobs/" + job.getJobID() + "/checkpoints";
            HttpClient http = HttpClient.newHttpClient();
            long drainedAt = System.currentTimeMillis();
            JsonNode latest = null;
            while (System.nanoTime() < deadline) {
                JsonNode cp = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(uri)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                latest = cp.path("latest").path("completed");
                if (!latest.isMissingNode() && !latest.isNull() && latest.path("trigger_timestamp").asLong() > drainedAt) break;
                LockSupport.parkNanos(200_000_000L);
            }
            System.gc();
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            job.cancel().get(30, TimeUnit.SECONDS);
            double size = latest.path("state_size").asDouble(latest.path("checkpointed_size").asDouble());
            return new double[] {heap, recordsPerSecond, size, latest.path("end_to_end_duration").asDouble()};
        }
    }

    private static long delivered(BenchKit kit) {
        long n = 0;
        for (var inv : kit.fc.invocations().all()) {
            String body = inv.payloadUtf8();
            int i = -1;
            while ((i = body.indexOf("\"eventId\"", i + 1)) >= 0) n++;
        }
        return n;
    }
}
