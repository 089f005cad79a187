package io.datahubfcsync.bench;

import io.datahubfcsync.fc.FcApiVersion;
import io.datahubfcsync.fc.FcConnection;
import io.datahubfcsync.fc.FunctionInvoker;
import io.datahubfcsync.local.fc.FcEmulator;
import java.util.Arrays;

/**
 * The two invokers alone, head to head in one JVM: sequential calls with 100-byte, 10 KB and 40 KB events
 * to a function that answers at once, FC 2.0 (API 2016-08-15) and FC 3.0 (2023-03-30) in turn.
 * Milliseconds per call; what a shard waits per batch beyond the function's own time.
 *
 * <p>{@code mvn -q -Pbench test-compile exec:exec -Dbench.class=InvokerBenchmark}
 */
public final class InvokerBenchmark {
    static final String COMMAND = "mvn -q -Pbench test-compile exec:exec -Dbench.class=InvokerBenchmark";
    private static final int WARM_UP = 300;
    private static final int CALLS = 2_000;

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
            for (int size : new int[] {100, 10_000, 40_000}) {
                byte[] event = new byte[size];
                Arrays.fill(event, (byte) 'x');
                for (FcApiVersion api : FcApiVersion.values()) {
                    FcConnection.Builder b = FcConnection.builder()
                            .apiVersion(api)
                            .endpoint(fc.endpoint())
                            .accountId(fc.accountId())
                            .region(fc.region())
                            .function("fn");
                    if (api == FcApiVersion.V2_2016_08_15) b.service("svc");
                    try (FunctionInvoker invoker = b.build().invokerFactory().create()) {
                        for (int i = 0; i < WARM_UP; i++) invoker.invoke(event);
                        long start = System.nanoTime();
                        for (int i = 0; i < CALLS; i++) {
                            if (!invoker.invoke(event).isSuccess()) throw new IllegalStateException("call failed");
                        }
                        double ms = (System.nanoTime() - start) / 1e6 / CALLS;
                        results.add("FC " + api.id() + ", " + size + "-byte event, ms per call", ms, "ms", "");
                    }
                }
            }
        }
        results.write();
        System.exit(0);
    }
}
