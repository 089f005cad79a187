package io.datahubfcsync.bench;

import io.datahubfcsync.job.DataHubFcSyncJob;
import io.datahubfcsync.job.JobPlan;
import io.datahubfcsync.local.datahub.ShardSnapshot;
import io.datahubfcsync.local.fc.InvocationRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * B7: how long a child shard waits after its parents were delivered. Four shards with a backlog are
 * delivered through a slow function (20 ms a call, 10 records an event), so the source has read a
 * parent to its end long before its last record is acknowledged; each shard is split while its
 * backlog drains, and each child is split again once it has a backlog of its own (two rounds, 24
 * children). Per child: its first invocation's arrival at FC minus the last successful answer to
 * any of its parents. A negative gap is a child that overtook a parent (an order violation).
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=GateLatencyBenchmark}
 */
public final class GateLatencyBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=GateLatencyBenchmark";
    private static final int SHARDS = 4;
    private static final int BACKLOG = 400;
    private static final int CHILD_RECORDS = 40;
    private static final long FUNCTION_MILLIS = 20;

    public static void main(String[] args) throws Exception {
        BenchResults results = new BenchResults("b7-gate-latency", COMMAND);
        try (BenchKit kit = new BenchKit(SHARDS)) {
            kit.fc.deployFunction(BenchKit.SERVICE, "slow", new Slow(FUNCTION_MILLIS));
            kit.preload(SHARDS, BACKLOG);
            JobPlan plan = DataHubFcSyncJob.prepare(
                    kit.jobArgsFor("slow", "--batch.max-records", "10", "--datahub.shard-discovery-interval", "1s"));
            Configuration conf = Configuration.fromMap(
                    Map.of("taskmanager.numberOfTaskSlots", "2", "pipeline.auto-generate-uids", "false"));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
            env.setParallelism(2);
            env.enableCheckpointing(2_000);
            kit.clearInvocations();
            JobClient job = DataHubFcSyncJob.start(env, plan);
            long expected = (long) SHARDS * BACKLOG;
            awaitDelivered(kit, 1);

            Map<String, List<String>> parentsOf = new HashMap<>();
            List<String> generation = new ArrayList<>();
            for (int s = 0; s < SHARDS; s++) generation.add(String.valueOf(s));
            for (int round = 1; round <= 2; round++) {
                List<String> children = new ArrayList<>();
                for (String shard : generation) {
                    for (ShardSnapshot child : kit.datahub.splitShard(BenchKit.PROJECT, BenchKit.TOPIC, shard)) {
                        parentsOf.put(child.shardId(), child.parentShardIds());
                        children.add(child.shardId());
                    }
                }
                int records = round == 1 ? BACKLOG / 2 : CHILD_RECORDS; // the first children get split in turn
                for (String child : children) {
                    for (long i = 0; i < records; i++) {
                        kit.datahub.appendTuple(BenchKit.PROJECT, BenchKit.TOPIC, child, BenchKit.values(i));
                    }
                    expected += records;
                }
                if (round == 1) awaitFirstInvocation(kit, children);
                generation = children;
            }
            awaitDelivered(kit, expected);
            job.cancel().get(30, TimeUnit.SECONDS);

            List<Double> gaps = gapsMillis(kit, parentsOf);
            gaps.sort(Double::compare);
            long overtakes = gaps.stream().filter(g -> g < 0).count();
            results.add("children measured", gaps.size(), "children", "24");
            results.add("gate latency p50", percentile(gaps, 50), "ms", "");
            results.add("gate latency p99", percentile(gaps, 99), "ms", "<= 1000");
            results.add("gate latency max", gaps.get(gaps.size() - 1), "ms", "");
            results.add("children that overtook a parent", overtakes, "children", "0");
        }
        results.write();
        System.exit(0);
    }

    private static void awaitDelivered(BenchKit kit, long records) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (kit.deliveredRecords() < records) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("delivered " + kit.deliveredRecords() + " of " + records + " in 5 min");
            }
            LockSupport.parkNanos(50_000_000L);
        }
    }

    /** Waits until every first-round child was invoked at least once, so each has a backlog when it is split. */
    private static void awaitFirstInvocation(BenchKit kit, List<String> children) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!firstInvocations(kit).keySet().containsAll(children)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("children never invoked: " + children);
            LockSupport.parkNanos(50_000_000L);
        }
    }

    private static Map<String, Instant> firstInvocations(BenchKit kit) {
        Map<String, Instant> first = new HashMap<>();
        for (InvocationRecord inv : kit.fc.invocations().all()) {
            String shard = shardOf(inv);
            if (shard != null) first.merge(shard, inv.received(), (a, b) -> a.isBefore(b) ? a : b);
        }
        return first;
    }

    private static List<Double> gapsMillis(BenchKit kit, Map<String, List<String>> parentsOf) {
        Map<String, Instant> lastAck = new HashMap<>();
        for (InvocationRecord inv : kit.fc.invocations().all()) {
            String shard = shardOf(inv);
            if (shard != null && inv.outcome() == InvocationRecord.Outcome.SUCCESS) {
                lastAck.merge(shard, inv.finished(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        Map<String, Instant> first = firstInvocations(kit);
        List<Double> gaps = new ArrayList<>();
        parentsOf.forEach((child, parents) -> {
            Instant parentsDone = parents.stream()
                    .map(lastAck::get)
                    .filter(t -> t != null)
                    .max(Instant::compareTo)
                    .orElse(null);
            Instant start = first.get(child);
            if (parentsDone != null && start != null)
                gaps.add(Duration.between(parentsDone, start).toNanos() / 1e6);
        });
        return gaps;
    }

    /** The shard of an event: the part before ':' of its first eventId. */
    private static String shardOf(InvocationRecord inv) {
        String body = inv.payloadUtf8();
        int at = body.indexOf("\"eventId\":\"");
        if (at < 0) return null;
        int from = at + "\"eventId\":\"".length();
        return body.substring(from, body.indexOf(':', from));
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** A function that takes a fixed time per call, like one that writes to a database. */
    static final class Slow implements com.aliyun.fc.runtime.StreamRequestHandler {
        private final long millis;

        Slow(long millis) {
            this.millis = millis;
        }

        @Override
        public void handleRequest(java.io.InputStream in, OutputStream out, com.aliyun.fc.runtime.Context context)
                throws IOException {
            in.transferTo(OutputStream.nullOutputStream());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis)); // the function's own work
            out.write('1');
        }
    }
}
