package io.datahubfcsync.bench;

import io.datahubfcsync.local.fc.Fault;
import java.time.Duration;

/**
 * B5: shards must not wait for each other on a subtask. The FC emulator answers every call after
 * 50 ms; 16 shards with full batches of 100 on parallelism 2 can at best deliver
 * {@code 16 × 100 / 0.05 s = 32,000} records/s. Target: at least 90% of that.
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=ConcurrencyBenchmark}
 */
public final class ConcurrencyBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=ConcurrencyBenchmark";
    private static final int SHARDS = 16;
    private static final int BATCH = 100;
    private static final int PER_SHARD = 15_000; // ~10 s at the ideal rate: ramp-up and tail stay small
    private static final Duration LATENCY = Duration.ofMillis(50);

    public static void main(String[] args) throws Exception {
        BenchResults results =
                new BenchResults(BenchKit.resultsName("b5-concurrency"), COMMAND + BenchKit.commandOption());
        double ideal = SHARDS * BATCH / (LATENCY.toMillis() / 1000.0);
        try (BenchKit kit = new BenchKit(SHARDS)) {
            kit.preload(SHARDS, PER_SHARD);
            kit.fc.faults().add(Fault.latency(LATENCY));
            kit.runBounded(2, (long) SHARDS * PER_SHARD, "--batch.max-records", String.valueOf(BATCH)); // warm-up
            double measured =
                    kit.runBounded(2, (long) SHARDS * PER_SHARD, "--batch.max-records", String.valueOf(BATCH));
            results.add("ideal records/s (16 shards x 100 / 50 ms)", ideal, "records/s", "");
            results.add("job records/s, 16 shards, 50 ms function, p=2", measured, "records/s", "");
            results.add("job / ideal", measured / ideal, "ratio", ">= 0.9");
            results.add(
                    "max invocations in flight at once (FC emulator)",
                    kit.fc.invocations().maxInFlight(),
                    "calls",
                    "16");
        }
        results.write();
        System.exit(0);
    }
}
