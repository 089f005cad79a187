package io.datahubfcsync.bench;

import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobPlan;
import io.datahubfcsync.local.fc.InvocationRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
 * B6: does one stuck shard slow the others? Eight shards of pre-loaded ~100-byte TUPLE records on a
 * local Flink (parallelism 2); the same run twice, once with a function that accepts everything and
 * once with one that fails every event of shard 0 forever (the batch keeps retrying, far from
 * {@code retry.max-attempts}). The figure is the throughput of the seven healthy shards (records/s
 * from the first request to the last healthy answer) with shard 0 stuck, over the same figure with
 * nothing stuck. Shard 0 holds several times the per-subtask buffer, so a stuck lane that kept
 * everything it was sent would stop its whole subtask.
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=IsolationBenchmark}
 */
public final class IsolationBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=IsolationBenchmark";
    private static final int SHARDS = 8;
    private static final int PER_SHARD = 20_000;
    private static final String STUCK_SHARD = "0";
    /** A stalled run is reported with what it delivered in this time, not waited for. */
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(3);

    public static void main(String[] args) throws Exception {
        BenchResults results = new BenchResults("b6-isolation", COMMAND);
        long healthyRecords = (long) (SHARDS - 1) * PER_SHARD;
        try (BenchKit kit = new BenchKit(SHARDS)) {
            kit.preload(SHARDS, PER_SHARD);
            kit.fc.deployFunction(BenchKit.SERVICE, "healthy", new FailingShard(null));
            kit.fc.deployFunction(BenchKit.SERVICE, "stuck", new FailingShard(STUCK_SHARD));
            run(kit, "healthy", healthyRecords); // warm-up: JIT, SDK start-up
            double none = run(kit, "healthy", healthyRecords);
            double stuck = run(kit, "stuck", healthyRecords);
            results.add("healthy shards records/s, none stuck", none, "records/s", "");
            results.add("healthy shards records/s, shard 0 stuck", stuck, "records/s", "");
            results.add("one stuck / none stuck", stuck / none, "ratio", ">= 0.9");
        }
        results.write();
        System.exit(0);
    }

    /** @return records/s of the healthy shards (1..7) until all of theirs were delivered, or until given up */
    private static double run(BenchKit kit, String function, long healthyRecords) throws Exception {
        JobPlan plan = DataHubFcSyncJob.prepare(kit.jobArgsFor(
                function, "--retry.max-attempts", "1000000", "--datahub.shard-discovery-interval", "1s"));
        Configuration conf = Configuration.fromMap(
                Map.of("taskmanager.numberOfTaskSlots", "2", "pipeline.auto-generate-uids", "false"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(2_000);
        kit.clearInvocations();
        JobClient job = DataHubFcSyncJob.start(env, plan);
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        long delivered;
        while ((delivered = healthyDelivered(kit)) < healthyRecords && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000_000L);
        }
        Instant gaveUp = Instant.now();
        job.cancel().get(30, TimeUnit.SECONDS);
        if (delivered > healthyRecords) {
            throw new IllegalStateException(function + ": " + delivered + " healthy records delivered, expected "
                    + healthyRecords + " (repeats would flatter the figure)");
        }
        if (delivered < healthyRecords) {
            // stalled: the rate over the whole wait, not up to the last record that got through
            System.out.printf(
                    "%s: only %d of %d healthy records delivered in %s%n",
                    function, delivered, healthyRecords, GIVE_UP_AFTER);
            return delivered / secondsSinceFirstRequest(kit, gaveUp);
        }
        return delivered / healthyWindowSeconds(kit);
    }

    private static double secondsSinceFirstRequest(BenchKit kit, Instant until) {
        Instant first = kit.fc.invocations().all().stream()
                .map(InvocationRecord::received)
                .min(Instant::compareTo)
                .orElse(until.minus(GIVE_UP_AFTER));
        return Duration.between(first, until).toNanos() / 1e9;
    }

    /** Records of shards other than the stuck one inside the events FC answered with success. */
    private static long healthyDelivered(BenchKit kit) {
        long n = 0;
        for (InvocationRecord inv : kit.fc.invocations().all()) {
            if (inv.outcome() != InvocationRecord.Outcome.SUCCESS || STUCK_SHARD.equals(shardOf(inv))) continue;
            String body = inv.payloadUtf8();
            int i = -1;
            while ((i = body.indexOf("\"eventId\"", i + 1)) >= 0) n++;
        }
        return n;
    }

    /** From the first request of any shard to the last successful answer of a healthy shard. */
    private static double healthyWindowSeconds(BenchKit kit) {
        List<InvocationRecord> all = kit.fc.invocations().all();
        Instant first = all.stream()
                .map(InvocationRecord::received)
                .min(Instant::compareTo)
                .orElseThrow();
        Instant last = all.stream()
                .filter(inv -> inv.outcome() == InvocationRecord.Outcome.SUCCESS && !STUCK_SHARD.equals(shardOf(inv)))
                .map(InvocationRecord::finished)
                .max(Instant::compareTo)
                .orElseThrow();
        return Duration.between(first, last).toNanos() / 1e9;
    }

    /** The shard of an event: the part before ':' of its first eventId. */
    static String shardOf(InvocationRecord inv) {
        String body = inv.payloadUtf8();
        int at = body.indexOf("\"eventId\":\"");
        if (at < 0) return null;
        int from = at + "\"eventId\":\"".length();
        return body.substring(from, body.indexOf(':', from));
    }

    /** Accepts every event, except those of one shard (when given), which it fails like a buggy function. */
    static final class FailingShard implements com.aliyun.fc.runtime.StreamRequestHandler {
        private final byte[] marker;

        FailingShard(String failingShard) {
            this.marker = failingShard == null
                    ? null
                    : ("\"eventId\":\"" + failingShard + ":").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void handleRequest(java.io.InputStream in, OutputStream out, com.aliyun.fc.runtime.Context context)
                throws IOException {
            byte[] body = in.readAllBytes();
            if (marker != null && indexOf(body, marker) >= 0)
                throw new IOException("this shard's records are rejected");
            out.write('1');
        }

        private static int indexOf(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
                return i;
            }
            return -1;
        }
    }
}
