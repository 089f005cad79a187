package io.datahubfcsync.bench;

import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobPlan;
import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.InvocationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * B6: records/s of the healthy shards when one shard's batch always fails, against none failing
 * (4 shards of ~100-byte TUPLE records pre-loaded, parallelism 2, the FC emulator answering at
 * once). The stuck shard keeps its budget and lets the rest go, so the healthy shards should keep
 * their speed (target ≥ 0.9×).
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=IsolationBenchmark}
 */
public final class IsolationBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=IsolationBenchmark";
    private static final int SHARDS = 4;
    private static final int PER_SHARD = 25_000;

    public static void main(String[] args) throws Exception {
        BenchResults results = new BenchResults("b6-isolation", COMMAND);
        try (BenchKit kit = new BenchKit(SHARDS)) {
            kit.preload(SHARDS, PER_SHARD);
            healthyRecordsPerSecond(kit, false); // warm-up: JIT, SDK start-up
            double none = healthyRecordsPerSecond(kit, false);
            double oneStuck = healthyRecordsPerSecond(kit, true);
            results.add("healthy shards records/s, none stuck", none, "records/s", "");
            results.add("healthy shards records/s, shard 0 stuck", oneStuck, "records/s", "");
            results.add("one stuck / none stuck", oneStuck / none, "ratio", ">= 0.9");
        }
        results.write();
        System.exit(0);
    }

    /** Shards 1..3 delivered from the first call received to the last answered; shard 0 always fails if {@code stuck}. */
    private static double healthyRecordsPerSecond(BenchKit kit, boolean stuck) throws Exception {
        kit.fc.faults().clear();
        if (stuck) kit.fc.faults().add(Fault.functionError("stuck").whenEventId("0:5"));
        JobPlan plan = DataHubFcSyncJob.prepare(kit.jobArgs("--retry.max-attempts", "1000000", "--retry.interval", "100ms"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(Configuration.fromMap(Map.of(
                "taskmanager.numberOfTaskSlots", "2", "pipeline.auto-generate-uids", "false")));
        env.setParallelism(2);
        env.enableCheckpointing(5_000);
        kit.clearInvocations();
        DataHubFcSyncJob.build(env, plan);
        JobClient job = env.executeAsync(plan.jobName());
        long healthy = (long) (SHARDS - 1) * PER_SHARD;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (healthyDelivered(kit) < healthy) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("healthy shards not delivered in 5 min");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // poll pace
        }
        job.cancel().get(60, TimeUnit.SECONDS);
        List<InvocationRecord> calls = kit.fc.invocations().all().stream().filter(i -> !shardOf(i).equals("0")).toList();
        Instant first = calls.stream().map(InvocationRecord::received).min(Instant::compareTo).orElseThrow();
        Instant last = calls.stream().map(InvocationRecord::finished).max(Instant::compareTo).orElseThrow();
        long delivered = healthyDelivered(kit);
        if (delivered != healthy) throw new IllegalStateException("healthy shards delivered " + delivered + " of " + healthy);
        return healthy / (Duration.between(first, last).toNanos() / 1e9);
    }

    /** Records of shards 1..3 in successful calls (one eventId per record). */
    private static long healthyDelivered(BenchKit kit) {
        long n = 0;
        for (InvocationRecord inv : kit.fc.invocations().all()) {
            if (inv.outcome() != InvocationRecord.Outcome.SUCCESS || shardOf(inv).equals("0")) continue;
            String body = inv.payloadUtf8();
            int i = -1;
            while ((i = body.indexOf("\"eventId\"", i + 1)) >= 0) n++;
        }
        return n;
    }

    private static String shardOf(InvocationRecord inv) {
        String body = inv.payloadUtf8();
        int at = body.indexOf("\"eventId\":\"") + 11;
        return body.substring(at, body.indexOf(':', at));
    }
}
