package io.datahubfcsync.bench;

import io.datahubfcsync.fc.FcApiVersion;
import io.datahubfcsync.fc.FcConnection;
import io.datahubfcsync.fc.FunctionInvoker;
import io.datahubfcsync.local.fc.FcEmulator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The two invokers alone, head to head in one JVM: sequential calls with 100-byte, 10 KB and 40 KB events
 * to a function that answers at once, FC 2.0 (API 2016-08-15) and FC 3.0 (2023-03-30) in turn.
 * Per call: the wall time (what a shard waits per batch beyond the function's own time), the CPU
 * time of the calling thread (the SDK's work for one call: signing, building and sending the
 * request, reading the answer) and of the whole process (the emulator's work included). CPU time
 * hardly depends on what else runs on the machine, so it compares the two APIs where wall time
 * is too noisy. Each figure is the median of {@link #ROUNDS} rounds, the APIs taking turns first.
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=InvokerBenchmark}
 */
public final class InvokerBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=InvokerBenchmark";
    private static final int WARM_UP = 10_000; // until the JIT has settled: compiling is CPU too
    private static final int CALLS = 3_000;
    private static final int ROUNDS = 5;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        BenchResults results = new BenchResults("invoker-per-call", COMMAND);
        try (FcEmulator fc = FcEmulator.builder().invocationLogCapacity(100).start()) {
            fc.createService("svc");
            fc.deployFunction("svc", "fn", (in, out, ctx) -> {
                in.readAllBytes();
                out.write('1');
            });
            fc.deployFunction3("fn", (in, out, ctx) -> {
                in.readAllBytes();
                out.write('1');
            });
            FcApiVersion[] apis = FcApiVersion.values();
            FunctionInvoker[] invokers = new FunctionInvoker[apis.length];
            for (int a = 0; a < apis.length; a++)
                invokers[a] = connection(fc, apis[a]).invokerFactory().create();
            try {
                for (int size : new int[] {100, 10_000, 40_000}) {
                    byte[] event = new byte[size];
                    Arrays.fill(event, (byte) 'x');
                    for (FunctionInvoker invoker : invokers) run(invoker, event, WARM_UP);
                    double[][][] perRound = new double[apis.length][3][ROUNDS]; // api, figure, round
                    for (int r = 0; r < ROUNDS; r++) {
                        for (int k = 0; k < apis.length; k++) {
                            int a = (k + r) % apis.length; // each API goes first in turn
                            double[] m = run(invokers[a], event, CALLS);
                            for (int f = 0; f < 3; f++) perRound[a][f][r] = m[f];
                        }
                    }
                    for (int a = 0; a < apis.length; a++) {
                        String what = "FC " + apis[a].id() + ", " + size + "-byte event, ";
                        results.add(what + "ms per call", median(perRound[a][0]), "ms", "");
                        results.add(what + "calling thread CPU ms per call", median(perRound[a][1]), "ms", "");
                        results.add(what + "process CPU ms per call", median(perRound[a][2]), "ms", "");
                    }
                }
            } finally {
                for (FunctionInvoker invoker : invokers) invoker.close();
            }
        }
        results.write();
        System.exit(0);
    }

    private static FcConnection connection(FcEmulator fc, FcApiVersion api) {
        FcConnection.Builder b = FcConnection.builder()
                .apiVersion(api)
                .endpoint(fc.endpoint())
                .accountId(fc.accountId())
                .region(fc.region())
                .function("fn");
        if (api == FcApiVersion.V2_2016_08_15) b.service("svc");
        return b.build();
    }

    /** {@code calls} sequential calls; wall, calling-thread CPU and process CPU milliseconds per call. */
    private static double[] run(FunctionInvoker invoker, byte[] event, int calls) {
        long wall = System.nanoTime();
        long thread = THREADS.getCurrentThreadCpuTime();
        long process = OS.getProcessCpuTime();
        for (int i = 0; i < calls; i++) {
            if (!invoker.invoke(event).isSuccess()) throw new IllegalStateException("call failed");
        }
        return new double[] {
            (System.nanoTime() - wall) / 1e6 / calls,
            (THREADS.getCurrentThreadCpuTime() - thread) / 1e6 / calls,
            (OS.getProcessCpuTime() - process) / 1e6 / calls
        };
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
