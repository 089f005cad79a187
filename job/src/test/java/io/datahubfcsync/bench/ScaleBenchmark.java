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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.util.MiniClusterWithClientResource;

/**
 * B4: 16, 256 and 1,024 shards on parallelism 2 (and 16 shards on parallelism 1) on one
 * MiniCluster, the same records in every run, each shard count three times, interleaved. Throughput
 * is the median of the three (with each run's figure in its name); the rest is the first run's:
 * <ul>
 *   <li>the most shards any source subtask holds against the ideal ceil(shards / parallelism)
 *       (the source's {@code openShards} gauge, read in-process by {@link OpenShardsReporter});</li>
 *   <li>throughput, and at 256 and 1,024 shards as a ratio to 16 shards (targets ≥ 0.9 and ≥ 0.8),
 *       and parallelism 2 against 1;</li>
 *   <li>the GetRecords calls an idle shard costs per second once every shard is drained (target ≤ 4);</li>
 *   <li>heap held per extra shard (slope of the heap the running job holds after a full GC, caught up;
 *       the cluster's own and the emulators' data are left out; target ≤ 16 KiB);</li>
 *   <li>the size and duration of a checkpoint taken while every shard has state.</li>
 * </ul>
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=ScaleBenchmark}
 */
public final class ScaleBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=ScaleBenchmark";
    // the same records in every run, at least 250 per shard: the throughput is not start-up
    private static final int TOTAL_RECORDS = 256_000;
    private static final long IDLE_WINDOW_MS = 5_000;
    /** Runs per shard count; throughput is their median, everything else the first run's. */
    private static final int ROUNDS = 3;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one run measured. */
    private record Run(
            int shards,
            int parallelism,
            double heapBytes,
            double recordsPerSecond,
            double checkpointBytes,
            double checkpointMs,
            long getRecordsCalls,
            int fcCalls,
            int maxShardsPerSubtask,
            double idleCallsPerShardSecond) {}

    public static void main(String[] args) throws Exception {
        BenchResults results = new BenchResults("b4-scale", COMMAND);
        // one cluster for all runs, so the heap measured around a run is the job's, not a cluster's start-up
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.open-shards.factory.class", OpenShardsReporter.Factory.class.getName());
        MiniClusterWithClientResource flink =
                new MiniClusterWithClientResource(new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .setConfiguration(conf)
                        .build());
        flink.before();
        try {
            run(flink, 16, 2); // warm-up: classes and one-time caches of Flink and the SDKs would count as the first
            // run's heap
            // every shard count ROUNDS times, interleaved: one run of a few seconds varies by ±10% on its own
            List<Run> p1s = new ArrayList<>(),
                    r16s = new ArrayList<>(),
                    r256s = new ArrayList<>(),
                    r1024s = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                p1s.add(run(flink, 16, 1));
                r16s.add(run(flink, 16, 2));
                r256s.add(run(flink, 256, 2));
                r1024s.add(run(flink, 1024, 2));
            }
            Run r16 = r16s.get(0), r256 = r256s.get(0), r1024 = r1024s.get(0);
            for (List<Run> runs : List.of(p1s, r16s, r256s, r1024s)) {
                Run r = runs.get(0);
                String at = r.shards + " shards, p=" + r.parallelism;
                results.add(
                        "throughput, " + at + ", median of " + ROUNDS + " runs (" + rates(runs) + ")",
                        median(runs),
                        "records/s",
                        "");
                at += ", first run";
                results.add(
                        "most shards on one source subtask, " + at + " (ideal " + ceilDiv(r.shards, r.parallelism)
                                + ")",
                        r.maxShardsPerSubtask,
                        "shards",
                        "<= " + ceilDiv(r.shards, r.parallelism));
                results.add("DataHub GetRecords calls until drained, " + at, r.getRecordsCalls, "calls", "");
                results.add("FC calls until drained, " + at, r.fcCalls, "calls", "");
                results.add(
                        "GetRecords calls per idle shard and second, " + at,
                        r.idleCallsPerShardSecond,
                        "calls/s",
                        "<= 4");
                results.add("checkpoint size, " + at, r.checkpointBytes / 1024.0, "KiB", "");
                results.add("checkpoint duration, " + at, r.checkpointMs, "ms", r.shards >= 256 ? "< 2000" : "");
                results.add("heap held by the running job, " + at, r.heapBytes / 1024 / 1024, "MiB", "");
            }
            results.add("throughput 256 / 16 shards, p=2, medians", median(r256s) / median(r16s), "ratio", ">= 0.9");
            results.add("throughput 1024 / 16 shards, p=2, medians", median(r1024s) / median(r16s), "ratio", ">= 0.8");
            results.add("throughput p=2 / p=1, 16 shards, medians", median(r16s) / median(p1s), "ratio", "");
            results.add(
                    "heap per additional shard (16 -> 256)",
                    (r256.heapBytes - r16.heapBytes) / (256 - 16) / 1024.0,
                    "KiB/shard",
                    "<= 16");
            results.add(
                    "heap per additional shard (16 -> 1024)",
                    (r1024.heapBytes - r16.heapBytes) / (1024 - 16) / 1024.0,
                    "KiB/shard",
                    "<= 16");
        } finally {
            flink.after();
        }
        results.write();
        System.exit(0);
    }

    private static double median(List<Run> runs) {
        double[] rates =
                runs.stream().mapToDouble(Run::recordsPerSecond).sorted().toArray();
        int n = rates.length;
        return n % 2 == 1 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2;
    }

    /** The runs' rates in the order they ran, for the record. */
    private static String rates(List<Run> runs) {
        return String.join(
                " / ",
                runs.stream()
                        .map(r -> String.valueOf(Math.round(r.recordsPerSecond)))
                        .toList());
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static Run run(MiniClusterWithClientResource flink, int shards, int parallelism) throws Exception {
        try (BenchKit kit = new BenchKit(shards)) {
            kit.preload(shards, TOTAL_RECORDS / shards);
            // the emulators' data (records stored, calls logged) lives in this JVM too: measure around it
            long heapBefore = usedHeapAfterGc();
            JobPlan plan = DataHubFcSyncJob.prepare(kit.jobArgs("--datahub.shard-discovery-interval", "1s"));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(parallelism);
            env.enableCheckpointing(1_000);
            JobClient job = DataHubFcSyncJob.start(env, plan);
            Rest rest = new Rest(flink.getRestAddress());
            long total = (long) shards * (TOTAL_RECORDS / shards);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            int maxShards = 0;
            while (kit.deliveredRecords() < total && System.nanoTime() < deadline) {
                maxShards = Math.max(maxShards, OpenShardsReporter.maxOpenShards());
                LockSupport.parkNanos(100_000_000L);
            }
            if (kit.deliveredRecords() != total) {
                throw new IllegalStateException("delivered " + kit.deliveredRecords() + " records, expected " + total);
            }
            maxShards = Math.max(maxShards, OpenShardsReporter.maxOpenShards());
            double recordsPerSecond = kit.recordsPerSecond(total);
            long getRecordsCalls = kit.datahub.calls().of(DataHubAction.GET_RECORDS);
            int fcCalls = kit.fc.invocations().all().size();
            // every shard is drained now: what polling idle shards costs
            long idleFrom = System.nanoTime();
            long idleUntil = idleFrom + TimeUnit.MILLISECONDS.toNanos(IDLE_WINDOW_MS);
            while (System.nanoTime() < idleUntil) { // the shards stay open while idle: their spread can still be read
                maxShards = Math.max(maxShards, OpenShardsReporter.maxOpenShards());
                LockSupport.parkNanos(Math.min(200_000_000L, Math.max(0, idleUntil - System.nanoTime())));
            }
            if (maxShards == 0) throw new IllegalStateException("the source's openShards gauge was never reported");
            long idleCalls = kit.datahub.calls().of(DataHubAction.GET_RECORDS) - getRecordsCalls;
            double idleSeconds = (System.nanoTime() - idleFrom) / 1e9;
            // a checkpoint completed after the drain: every shard has state (positions, delivered sequence)
            long drainedAt = System.currentTimeMillis();
            JsonNode latest = null;
            while (System.nanoTime() < deadline) {
                latest = rest.get("/jobs/" + job.getJobID() + "/checkpoints")
                        .path("latest")
                        .path("completed");
                if (!latest.isMissingNode()
                        && !latest.isNull()
                        && latest.path("trigger_timestamp").asLong() > drainedAt) break;
                LockSupport.parkNanos(200_000_000L);
            }
            if (latest == null || latest.isMissingNode() || latest.isNull()) {
                throw new IllegalStateException("no checkpoint completed after the drain within the deadline");
            }
            kit.clearInvocations(); // the payloads logged grow with the records, not with the job
            long heap = usedHeapAfterGc() - heapBefore;
            // Flink may log "Trying to open gateway for unseen checkpoint" when a cancel meets a checkpoint: its own,
            // harmless
            job.cancel().get(30, TimeUnit.SECONDS);
            // the next run measures its heap with this job's tasks gone
            while (!job.getJobStatus().get().isGloballyTerminalState() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(50_000_000L);
            }
            double size = latest.path("state_size")
                    .asDouble(latest.path("checkpointed_size").asDouble());
            return new Run(
                    shards,
                    parallelism,
                    heap,
                    recordsPerSecond,
                    size,
                    latest.path("end_to_end_duration").asDouble(),
                    getRecordsCalls,
                    fcCalls,
                    maxShards,
                    idleCalls / idleSeconds / shards);
        }
    }

    /** The REST calls the benchmark makes to the MiniCluster (checkpoints). */
    private static final class Rest {
        private final HttpClient http = HttpClient.newHttpClient();
        private final URI base;

        Rest(URI base) {
            this.base = base;
        }

        JsonNode get(String path) throws Exception {
            return JSON.readTree(
                    http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString())
                            .body());
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
