package io.datahubfcsync.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * README's first command, minus Maven: the local kit, the demo producer and the real job on an
 * embedded Flink with its web UI; after {@code --duration} it drains and reports success only if
 * every produced record was delivered in order.
 */
class LocalRunnerTest {

    @Test
    void demoRunDeliversEverythingProducedInOrderAndServesTheWebUi() throws Exception {
        LocalRunner runner = new LocalRunner(new String[] {
            "--duration", "12s", "--ui.port", "0", "--demo.rate", "200", "--batch.max-records", "20"});
        AtomicReference<String> overview = new AtomicReference<>();
        Thread probe = new Thread(() -> overview.set(pollOverview(runner)), "ui-probe");
        probe.setDaemon(true);
        try {
            probe.start();
            int exit = runner.run();
            assertThat(exit).as("LocalRunner exit code: 0 = all produced records delivered, in order").isZero();
        } finally {
            runner.close();
        }
        probe.join(5_000);
        assertThat(overview.get()).as("Flink web UI REST /overview while the job ran").contains("\"flink-version\":\"2.3.0\"");
    }

    @Test
    void theDemoAlsoRunsAgainstTheFc2FunctionOfAService() throws Exception {
        LocalRunner runner = new LocalRunner(new String[] {
            "--duration", "8s", "--ui.port", "0", "--demo.rate", "200", "--fc.api-version", "2016-08-15"});
        try {
            assertThat(runner.run()).as("LocalRunner exit code over FC 2.0 (service demo_service)").isZero();
        } finally {
            runner.close();
        }
    }

    /** Waits for the UI port to be chosen and the REST API to answer; gives up after 60 s. */
    private static String pollOverview(LocalRunner runner) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            int port = runner.uiPort();
            if (port > 0) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/overview")).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) return r.body();
                } catch (Exception notYet) {
                    // the embedded cluster is still starting
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        }
        return null;
    }
}
