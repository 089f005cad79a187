package io.datahubfcsync.bench;

import io.datahubfcsync.fc.FcApiVersion;
import io.datahubfcsync.local.fc.Fault;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * B1 (1, 4 and 16 shards) and B5 on FC 3.0 against FC 2.0, in one JVM: for each workload one kit
 * per API, a warm-up run on each, then {@link #ROUNDS} rounds of one run per API, the API that
 * goes first alternating. A single run of either benchmark swings by much more than the two APIs
 * differ on a shared machine, and runs in separate JVMs add JIT and start-up differences; runs
 * taken in turn in one JVM meet the same conditions. Per workload and API: the median and the
 * range of records/s; then FC 3.0's median over FC 2.0's (target: at least 1) and the median of
 * the rounds' own FC 3.0 / FC 2.0 ratios, which cancels slow drifts of the machine's load.
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=FcApiComparisonBenchmark}
 */
public final class FcApiComparisonBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=FcApiComparisonBenchmark";
    private static final int ROUNDS = 5;
    /** B1's records per run: twice B1's own window, so a run lasts seconds rather than about one. */
    private static final int B1_RECORDS = 200_000;
    /** B5 as {@link ConcurrencyBenchmark} runs it, but with 10,000 records per shard (a ~5 s window). */
    private static final int B5_SHARDS = 16;

    private static final int B5_PER_SHARD = 10_000;
    private static final int B5_BATCH = 100;
    private static final Duration B5_LATENCY = Duration.ofMillis(50);

    private static final FcApiVersion FC2 = FcApiVersion.V2_2016_08_15;
    private static final FcApiVersion FC3 = FcApiVersion.V3_2023_03_30;

    public static void main(String[] args) throws Exception {
        BenchResults results = new BenchResults("fc-api-comparison", COMMAND);
        for (int shards : new int[] {1, 4, 16}) {
            int perShard = B1_RECORDS / shards;
            compare(results, "B1 " + shards + " shard(s)", shards, perShard, false);
        }
        compare(results, "B5 16 shards, 50 ms function", B5_SHARDS, B5_PER_SHARD, true);
        results.write();
        System.exit(0);
    }

    private static void compare(BenchResults results, String workload, int shards, int perShard, boolean b5)
            throws Exception {
        double loadBefore = load();
        Map<FcApiVersion, BenchKit> kits = new EnumMap<>(FcApiVersion.class);
        try {
            for (FcApiVersion api : new FcApiVersion[] {FC2, FC3}) {
                BenchKit kit = new BenchKit(shards, api);
                kits.put(api, kit);
                kit.preload(shards, perShard);
                if (b5) kit.fc.faults().add(Fault.latency(B5_LATENCY));
                run(kit, shards, perShard, b5); // warm-up: JIT, SDK start-up, first connections
            }
            Map<FcApiVersion, double[]> rates = new EnumMap<>(FcApiVersion.class);
            rates.put(FC2, new double[ROUNDS]);
            rates.put(FC3, new double[ROUNDS]);
            double[] roundRatios = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                FcApiVersion[] order = r % 2 == 0 ? new FcApiVersion[] {FC2, FC3} : new FcApiVersion[] {FC3, FC2};
                for (FcApiVersion api : order) rates.get(api)[r] = run(kits.get(api), shards, perShard, b5);
                roundRatios[r] = rates.get(FC3)[r] / rates.get(FC2)[r];
                System.out.printf(
                        "%s round %d (%s first): FC 3.0 %.0f, FC 2.0 %.0f records/s%n",
                        workload, r + 1, order[0] == FC3 ? "FC 3.0" : "FC 2.0", rates.get(FC3)[r], rates.get(FC2)[r]);
            }
            for (FcApiVersion api : new FcApiVersion[] {FC2, FC3}) {
                double[] v = rates.get(api);
                String name = workload + ", " + (api == FC3 ? "FC 3.0" : "FC 2.0") + " records/s";
                results.add(name + " median", median(v), "records/s", "");
                results.add(name + " min", Arrays.stream(v).min().orElseThrow(), "records/s", "");
                results.add(name + " max", Arrays.stream(v).max().orElseThrow(), "records/s", "");
            }
            results.add(
                    workload + ", FC 3.0 / FC 2.0 (ratio of medians)",
                    median(rates.get(FC3)) / median(rates.get(FC2)),
                    "ratio",
                    ">= 1.0");
            results.add(
                    workload + ", FC 3.0 / FC 2.0 (median of the rounds' ratios)", median(roundRatios), "ratio", "");
            if (b5) {
                double ideal = B5_SHARDS * B5_BATCH / (B5_LATENCY.toMillis() / 1000.0);
                results.add(workload + ", FC 3.0 median / ideal", median(rates.get(FC3)) / ideal, "ratio", "");
                results.add(workload + ", FC 2.0 median / ideal", median(rates.get(FC2)) / ideal, "ratio", "");
            }
            results.add(workload + ", load average before", loadBefore, "load", "");
            results.add(workload + ", load average after", load(), "load", "");
        } finally {
            for (BenchKit kit : kits.values()) kit.close();
        }
    }

    private static double run(BenchKit kit, int shards, int perShard, boolean b5) throws Exception {
        long total = (long) shards * perShard;
        return b5
                ? kit.runBounded(2, total, "--batch.max-records", String.valueOf(B5_BATCH))
                : kit.runBounded(2, total);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
