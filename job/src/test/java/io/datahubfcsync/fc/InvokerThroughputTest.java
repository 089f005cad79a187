package io.datahubfcsync.fc;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.TestFunctions;
import io.datahubfcsync.testing.KitConnections;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Measures invocations per second through the invoker against the emulator and prints them. Not a
 * speed assertion (the machine is shared); runs only with {@code -Dfc.measure=true}.
 */
class InvokerThroughputTest {

    @Test
    void measureSequentialAndEightThreadThroughput() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("fc.measure"), "set -Dfc.measure=true to measure");
        byte[] event = ("{\"records\":[{\"eventId\":\"0:1\",\"systemTime\":1,\"data\":\"" + "x".repeat(900) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        try (FcEmulator fc = FcEmulator.builder().invocationLogCapacity(100).start();
                FunctionInvoker invoker = KitConnections.fc(fc, "svc", "echo")
                        .build()
                        .invokerFactory()
                        .create()) {
            fc.deployFunction("svc", "echo", new TestFunctions.Echo());
            for (int i = 0; i < 1000; i++)
                assertThat(invoker.invoke(event).isSuccess()).isTrue(); // warm-up

            int sequential = 3000;
            long t0 = System.nanoTime();
            for (int i = 0; i < sequential; i++)
                assertThat(invoker.invoke(event).isSuccess()).isTrue();
            double seqPerSec = sequential / ((System.nanoTime() - t0) / 1e9);

            int threads = 8, perThread = 1000;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long t1 = System.nanoTime();
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < perThread; i++)
                        if (invoker.invoke(event).isSuccess()) ok++;
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : done) ok += f.get();
            double parPerSec = threads * perThread / ((System.nanoTime() - t1) / 1e9);
            pool.shutdown();
            assertThat(ok).isEqualTo(threads * perThread);
            System.out.printf(
                    "FC invoker vs emulator, ~1 KB events: sequential %.0f/s, 8 threads %.0f/s, max in flight %d%n",
                    seqPerSec, parPerSec, fc.invocations().maxInFlight());
        }
    }
}
