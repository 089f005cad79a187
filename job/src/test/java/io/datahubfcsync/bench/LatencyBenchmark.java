package io.datahubfcsync.bench;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.model.PutRecordsResult;
import com.aliyun.datahub.client.model.RecordEntry;
import com.aliyun.datahub.client.model.RecordSchema;
import com.aliyun.datahub.client.model.TupleRecordData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobPlan;
import io.datahubfcsync.local.datahub.DataHubAction;
import io.datahubfcsync.local.fc.InvocationRecord;
import io.datahubfcsync.testing.KitConnections;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * B2: time from {@code putRecords} returning to the function receiving the record, p50 / p99 / max,
 * at 100, 1,000 and 10,000 records/s over 4 shards, then at 10 records/s per shard over 256 shards,
 * one running job per topic (parallelism 2, checkpoints every 5 s, default batching:
 * {@code batch.max-wait 0}); with each rate the GetRecords calls per shard and second.
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=LatencyBenchmark}
 */
public final class LatencyBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=LatencyBenchmark";
    private static final int SHARDS = 4;
    private static final int[] RATES = {100, 1_000, 10_000};
    /** Many shards, each with a trickle: 10 records/s per shard. */
    private static final int MANY_SHARDS = 256;

    private static final int[] MANY_SHARDS_RATES = {10 * MANY_SHARDS};
    private static final long PHASE_MS = 12_000;
    private static final long WARMUP_MS = 3_000; // of each phase, not measured
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        BenchResults results = new BenchResults("b2-latency", COMMAND);
        measure(results, SHARDS, RATES);
        measure(results, MANY_SHARDS, MANY_SHARDS_RATES);
        results.write();
        System.exit(0);
    }

    /** One job on a topic of {@code shards} shards, fed at each of {@code rates} in turn. */
    private static void measure(BenchResults results, int shards, int[] rates) throws Exception {
        try (BenchKit kit = new BenchKit(shards)) {
            JobPlan plan = DataHubFcSyncJob.prepare(kit.jobArgs());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(Configuration.fromMap(
                    Map.of("taskmanager.numberOfTaskSlots", "2", "pipeline.auto-generate-uids", "false")));
            env.setParallelism(2);
            env.enableCheckpointing(5_000);
            JobClient job = DataHubFcSyncJob.start(env, plan);
            long running = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (job.getJobStatus().get() != org.apache.flink.api.common.JobStatus.RUNNING
                    && System.nanoTime() < running) {
                LockSupport.parkNanos(100_000_000L); // start-up of the embedded cluster; not part of any figure
            }

            Map<Long, Long> putReturnedMicros = new ConcurrentHashMap<>();
            List<long[]> phases = new ArrayList<>(); // {rate, firstMeasuredId, lastId}
            long nextId = 0;
            DatahubClient client = KitConnections.dataHub(kit.datahub).createSdkClient();
            RecordSchema schema = BenchKit.schema();
            for (int rate : rates) {
                long start = System.nanoTime();
                long callsBefore = kit.datahub.calls().of(DataHubAction.GET_RECORDS);
                long firstMeasured = -1;
                long sent = 0;
                while (true) {
                    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                    if (elapsedMs >= PHASE_MS) break;
                    long due = elapsedMs * rate / 1000 - sent;
                    if (due <= 0) {
                        LockSupport.parkNanos(1_000_000);
                        continue;
                    }
                    if (firstMeasured < 0 && elapsedMs >= WARMUP_MS) firstMeasured = nextId;
                    List<RecordEntry> batch = new ArrayList<>();
                    List<Long> ids = new ArrayList<>();
                    for (long i = 0; i < Math.min(due, 1000); i++) {
                        long id = nextId++;
                        TupleRecordData d = new TupleRecordData(schema);
                        String[] v = BenchKit.values(id);
                        d.setField("order_id", id);
                        d.setField("customer", v[1]);
                        d.setField("amount", Double.parseDouble(v[2]));
                        d.setField("paid", Boolean.parseBoolean(v[3]));
                        d.setField("created_at", Long.parseLong(v[4]));
                        RecordEntry e = new RecordEntry();
                        e.setShardId(String.valueOf(id % shards));
                        e.setRecordData(d);
                        batch.add(e);
                        ids.add(id);
                    }
                    PutRecordsResult r = client.putRecords(BenchKit.PROJECT, BenchKit.TOPIC, batch);
                    long returned = micros(Instant.now());
                    if (r.getFailedRecordCount() > 0) throw new IllegalStateException("putRecords failed records");
                    for (Long id : ids) putReturnedMicros.put(id, returned);
                    sent += batch.size();
                }
                long calls = kit.datahub.calls().of(DataHubAction.GET_RECORDS) - callsBefore;
                phases.add(new long[] {rate, firstMeasured, nextId - 1, calls});
            }
            long produced = nextId;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Map<Long, Long> receivedMicros = new ConcurrentHashMap<>();
            int parsed = 0;
            while (receivedMicros.size() < produced && System.nanoTime() < deadline) {
                List<InvocationRecord> all = kit.fc.invocations().all();
                List<InvocationRecord> fresh = all.subList(parsed, all.size());
                parsed = all.size();
                for (InvocationRecord inv : fresh) {
                    if (inv.outcome() != InvocationRecord.Outcome.SUCCESS) continue;
                    long at = micros(inv.received());
                    for (JsonNode rec : JSON.readTree(inv.payload()).get("records")) {
                        long id = Long.parseLong(
                                JSON.readTree(rec.get("data").asText()).get(0).asText());
                        receivedMicros.putIfAbsent(id, at);
                    }
                }
                if (receivedMicros.size() < produced) Thread.sleep(500); // draining; bounded by the deadline
            }
            job.cancel().get(30, TimeUnit.SECONDS);
            for (long[] p : phases) {
                List<Long> latMs = new ArrayList<>();
                long missing = 0;
                for (long id = p[1]; id <= p[2]; id++) {
                    Long got = receivedMicros.get(id);
                    if (got == null) missing++;
                    else latMs.add(Math.max(0, got - putReturnedMicros.get(id)));
                }
                long[] sorted =
                        latMs.stream().mapToLong(Long::longValue).sorted().toArray();
                String r = p[0] + " records/s" + (shards == SHARDS ? "" : " over " + shards + " shards");
                results.add("latency p50 at " + r, pct(sorted, 0.50) / 1000.0, "ms", "");
                results.add(
                        "latency p99 at " + r,
                        pct(sorted, 0.99) / 1000.0,
                        "ms",
                        shards == SHARDS ? (p[0] == 1_000 ? "<= 100" : "") : "<= 200");
                results.add(
                        "GetRecords calls per shard and second at " + r,
                        p[3] * 1000.0 / PHASE_MS / shards,
                        "calls",
                        "");
                results.add(
                        "latency max at " + r,
                        sorted.length == 0 ? -1 : sorted[sorted.length - 1] / 1000.0,
                        "ms",
                        p[0] == 10_000 ? "no unbounded growth" : "");
                results.add("records not delivered within 60 s at " + r, missing, "records", "0");
            }
        }
    }

    private static long pct(long[] sorted, double q) {
        if (sorted.length == 0) return -1;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
}
