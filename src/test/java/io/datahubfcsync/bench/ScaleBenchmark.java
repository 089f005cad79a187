package io.datahubfcsync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobPlan;
import io.datahubfcsync.local.datahub.DataHubAction;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.util.MiniClusterWithClientResource;

/**
 * B4: 16 and 256 shards (DataHub's per-topic maximum) on parallelism 2 on one MiniCluster: heap held
 * per shard (slope between the two runs of the heap the running job holds after a full GC, caught up;
 * the cluster's own and the emulators' data are left out), throughput, and the size and
 * duration of a checkpoint taken while every shard has state.
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=ScaleBenchmark}
 */
public final class ScaleBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=ScaleBenchmark";
    // the same records in both runs, at least 500 per shard: the throughput is not start-up
    private static final int TOTAL_RECORDS = 128_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        BenchResults results = new BenchResults("b4-scale", COMMAND);
        // one cluster for all runs, so the heap measured around a run is the job's, not a cluster's start-up
        MiniClusterWithClientResource flink = new MiniClusterWithClientResource(
                new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                        .build());
        flink.before();
        try {
            run(flink, 16); // warm-up: classes and one-time caches of Flink and the SDKs would count as the first run's heap
            double[] heap = new double[2];
            int[] shardCounts = {16, 256};
            for (int i = 0; i < shardCounts.length; i++) {
                int shards = shardCounts[i];
                double[] r = run(flink, shards);
                heap[i] = r[0];
                results.add("throughput, " + shards + " shards, p=2", r[1], "records/s", "");
                results.add("DataHub GetRecords calls until drained, " + shards + " shards", r[4], "calls", "");
                results.add("checkpoint size, " + shards + " shards", r[2] / 1024.0, "KiB", "");
                results.add("checkpoint duration, " + shards + " shards", r[3], "ms", shards == 256 ? "< 2000" : "");
                results.add("heap held by the running job, " + shards + " shards", r[0] / 1024 / 1024, "MiB", "");
            }
            results.add("heap per additional shard (16 -> 256)", (heap[1] - heap[0]) / (256 - 16) / 1024.0, "KiB/shard",
                    "linear, modest");
        } finally {
            flink.after();
        }
        results.write();
        System.exit(0);
    }

    /** @return {heap bytes held by the running job, records/s, checkpoint bytes, checkpoint ms, GetRecords calls} */
    private static double[] run(MiniClusterWithClientResource flink, int shards) throws Exception {
        try (BenchKit kit = new BenchKit(shards)) {
            kit.preload(shards, TOTAL_RECORDS / shards);
            // the emulators' data (records stored, calls logged) lives in this JVM too: measure around it
            long heapBefore = usedHeapAfterGc();
            JobPlan plan = DataHubFcSyncJob.prepare(kit.jobArgs("--datahub.shard-discovery-interval", "1s"));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.enableCheckpointing(1_000);
            JobClient job = DataHubFcSyncJob.start(env, plan);
            long total = (long) shards * (TOTAL_RECORDS / shards);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (kit.deliveredRecords() < total && System.nanoTime() < deadline) LockSupport.parkNanos(50_000_000L);
            if (kit.deliveredRecords() != total) {
                throw new IllegalStateException("delivered " + kit.deliveredRecords() + " records, expected " + total);
            }
            double recordsPerSecond = kit.recordsPerSecond(total);
            // explains the throughput: shards read to their end are polled again (idle back-off) by the same fetcher
            long getRecordsCalls = kit.datahub.calls().of(DataHubAction.GET_RECORDS);
            // a checkpoint completed after the drain: every shard has state (positions, delivered sequence)
            URI uri = flink.getRestAddress().resolve("/jobs/" + job.getJobID() + "/checkpoints");
            HttpClient http = HttpClient.newHttpClient();
            long drainedAt = System.currentTimeMillis();
            JsonNode latest = null;
            while (System.nanoTime() < deadline) {
                JsonNode cp = JSON.readTree(http.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                latest = cp.path("latest").path("completed");
                if (!latest.isMissingNode() && !latest.isNull() && latest.path("trigger_timestamp").asLong() > drainedAt) break;
                LockSupport.parkNanos(200_000_000L);
            }
            if (latest == null || latest.isMissingNode() || latest.isNull()) {
                throw new IllegalStateException("no checkpoint completed after the drain within 3 minutes");
            }
            kit.clearInvocations(); // the payloads logged grow with the records, not with the job
            long heap = usedHeapAfterGc() - heapBefore;
            // Flink may log "Trying to open gateway for unseen checkpoint" when a cancel meets a checkpoint: its own, harmless
            job.cancel().get(30, TimeUnit.SECONDS);
            // the next run measures its heap with this job's tasks gone
            while (!job.getJobStatus().get().isGloballyTerminalState() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(50_000_000L);
            }
            double size = latest.path("state_size").asDouble(latest.path("checkpointed_size").asDouble());
            return new double[] {heap, recordsPerSecond, size, latest.path("end_to_end_duration").asDouble(),
                    getRecordsCalls};
        }
    }

    /**
     * Live heap right after a full GC: the pools' usage as the collector left them, so what other
     * threads allocate after it (the job keeps polling) does not count.
     */
    private static long usedHeapAfterGc() {
        System.gc();
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                live += pool.getCollectionUsage().getUsed();
            }
        }
        return live;
    }
}
