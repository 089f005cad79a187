package io.datahubfcsync.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.datahub.client.model.Field;
import com.aliyun.datahub.client.model.FieldType;
import com.aliyun.datahub.client.model.RecordSchema;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.TestFunctions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's first command, minus Maven: the local kit, the demo producer and the real job on an
 * embedded Flink with its web UI; after {@code --duration} it drains and reports success only if
 * every produced record was delivered in order.
 */
class LocalRunnerTest {

    @Test
    void demoRunDeliversEverythingProducedInOrderAndServesTheWebUi() throws Exception {
        LocalRunner runner = new LocalRunner(
                new String[] {"--duration", "12s", "--ui.port", "0", "--demo.rate", "200", "--batch.max-records", "20"
                });
        AtomicReference<String> overview = new AtomicReference<>();
        Thread probe = new Thread(() -> overview.set(pollOverview(runner)), "ui-probe");
        probe.setDaemon(true);
        try {
            probe.start();
            int exit = runner.run();
            assertThat(exit)
                    .as("LocalRunner exit code: 0 = all produced records delivered, in order")
                    .isZero();
        } finally {
            runner.close();
        }
        probe.join(5_000);
        assertThat(overview.get())
                .as("Flink web UI REST /overview while the job ran")
                .contains("\"flink-version\":\"2.3.0\"");
    }

    @Test
    void aBoundedRunExitsZeroWithItsSummaryOnceEveryRecordBeforeTheStopTimeIsDelivered() throws Exception {
        // The job finishes by itself; the embedded cluster shuts down right after, and the runner
        // must still report from the job's result instead of asking the cluster that is gone.
        long stop = System.currentTimeMillis() + 6_000;
        LocalRunner runner = new LocalRunner(new String[] {
            "--stop", String.valueOf(stop), "--ui.port", "0", "--demo.rate", "200", "--duration", "120s"
        });
        try {
            int exit = runner.run();
            assertThat(runner.jobStatus()).as("a bounded run ends by itself").isEqualTo(JobStatus.FINISHED);
            assertThat(exit)
                    .as("exit code of a bounded run that delivered every record before the stop time")
                    .isZero();
        } finally {
            runner.close();
        }
    }

    @Test
    void aRunAgainstGivenEndpointsExitsNonZeroNamingTheFailureWhenTheJobFails(@TempDir Path dir) throws Exception {
        try (DataHubEmulator datahub = DataHubEmulator.start();
                FcEmulator fc = FcEmulator.start()) {
            RecordSchema schema = new RecordSchema();
            schema.addField(new Field("v", FieldType.STRING));
            datahub.createProject("runner_project").createTopic("runner_project", "runner_topic", 1, schema);
            for (int i = 0; i < 3; i++) datahub.appendTuple("runner_project", "runner_topic", "0", "r" + i);
            fc.createService("runner_service")
                    .deployFunction("runner_service", "broken_function", new TestFunctions.Throwing());
            Path credentials = dir.resolve("credentials");
            Files.writeString(
                    credentials,
                    "access_key_id = " + DataHubEmulator.TEST_ACCESS_KEY_ID + "\naccess_key_secret = "
                            + DataHubEmulator.TEST_ACCESS_KEY_SECRET + "\n",
                    StandardCharsets.UTF_8);

            LocalRunner runner = new LocalRunner(new String[] {
                "--datahub.endpoint", datahub.endpoint(), "--datahub.project", "runner_project", "--datahub.topic",
                        "runner_topic",
                "--fc.endpoint", fc.endpoint(), "--fc.account-id", fc.accountId(), "--region", fc.region(),
                "--fc.service", "runner_service", "--fc.function", "broken_function", "--start", "OLDEST",
                "--credentials.file", credentials.toString(), "--retry.max-attempts", "2", "--retry.interval", "100ms",
                "--on-exhausted", "fail", "--ui.port", "0", "--duration", "120s"
            });
            try {
                int exit = runner.run();
                assertThat(exit).as("exit code of a local run whose job failed").isNotZero();
                assertThat(runner.jobStatus()).isEqualTo(JobStatus.FAILED);
                assertThat(runner.failureLine())
                        .as("the failure's first line, as printed")
                        .contains("shard 0")
                        .contains("exhausted")
                        .doesNotContain("\n")
                        .doesNotContain(DataHubEmulator.TEST_ACCESS_KEY_SECRET);
            } finally {
                runner.close();
            }
        }
    }

    @Test
    void theDemoAlsoRunsAgainstTheFc2FunctionOfAService() throws Exception {
        LocalRunner runner = new LocalRunner(new String[] {
            "--duration", "8s", "--ui.port", "0", "--demo.rate", "200", "--fc.api-version", "2016-08-15"
        });
        try {
            assertThat(runner.run())
                    .as("LocalRunner exit code over FC 2.0 (service demo_service)")
                    .isZero();
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
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/overview"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
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
