package io.datahubfcsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.InvocationRecord;
import io.datahubfcsync.testing.Await;
import io.datahubfcsync.testing.JobArguments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The job on FC 3.0 (API 2023-03-30, a function without a service) on a real cluster (JobManager + 2
 * TaskManagers as separate JVMs, the shaded job jar, the real FC 3.0 SDK against the emulator):
 * delivery in order through function errors and 5xx answers, each retry one request after
 * {@code retry.interval}; an always-failing batch fails the job without a restart; and through the
 * Flink CLI a wrong FC secret, a missing function and {@code fc.service} with 2023-03-30 are one
 * clear paragraph each, the secret nowhere.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Fc3ClusterIT {
    private static final String PROJECT = "shop3";
    private static final String TOPIC = "orders";
    private static final String FUNCTION = "fn3";
    private static final int SHARDS = 2;
    private static final int PER_SHARD = 60;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RETRY_INTERVAL = Duration.ofMillis(200);

    private static ClusterKit kit;

    @BeforeAll
    static void start() {
        kit = ClusterKit.builder("fc3", Fc3ClusterIT.class)
                .fc(FcEmulator.builder().invocationLogCapacity(100_000))
                .start();
        kit.topic(PROJECT, TOPIC, SHARDS);
        kit.appendNumbered(PROJECT, TOPIC, SHARDS, PER_SHARD);
        kit.fc.deployFunction3(FUNCTION, ClusterKit.ANSWERS_EMPTY_OBJECT);
    }

    @AfterAll
    static void stop() {
        if (kit != null) kit.close();
    }

    @Test
    @Order(1)
    void everyRecordIsDeliveredInOrderThroughFunctionErrorsAndPlatformErrorsEachRetryOneRequestAnIntervalLater() {
        Fault functionErrors = kit.fc
                .faults()
                .add(Fault.functionError("flaky").whenEventId("0:25").times(3));
        Fault platformErrors =
                kit.fc.faults().add(Fault.serverError().whenEventId("1:40").times(2));
        String jobId = kit.submit(jobArgs(), 2, null);
        kit.cluster.awaitJobStatus(jobId, "RUNNING", TIMEOUT);

        DeliveryLedger.Report report = Await.value(
                "every record delivered over FC 3.0",
                TIMEOUT,
                Duration.ofMillis(250),
                () -> DeliveryLedger.reconcile(produced(), kit.fc.invocations().all()),
                DeliveryLedger.Report::complete);
        kit.figure("delivery over FC 3.0", report.toString());
        assertThat(report.orderViolations())
                .as("first deliveries per shard in sequence order")
                .isEmpty();
        assertThat(functionErrors.fired()).isEqualTo(3);
        assertThat(platformErrors.fired())
                .as("each 500 was one request: the SDK did not re-send")
                .isEqualTo(2);
        assertThat(kit.fc.invocations().all())
                .as("every call went through the 2023-03-30 API")
                .allSatisfy(r -> assertThat(r.service()).isNull())
                .allSatisfy(r -> assertThat(r.function()).isEqualTo(FUNCTION));
        for (String eventId : List.of("0:25", "1:40")) {
            List<InvocationRecord> attempts = attemptsHolding(eventId);
            assertThat(attempts)
                    .as("failed attempts of the batch holding " + eventId + ", then its success")
                    .hasSizeGreaterThanOrEqualTo(2);
            for (int i = 1; i < attempts.size(); i++) {
                assertThat(Duration.between(
                                attempts.get(i - 1).finished(), attempts.get(i).received()))
                        .as("pause before attempt %d of the batch holding %s", i + 1, eventId)
                        .isGreaterThanOrEqualTo(RETRY_INTERVAL);
            }
        }
        kit.cluster.cancel(jobId, TIMEOUT);
        kit.fc.faults().clear();
    }

    @Test
    @Order(2)
    void anAlwaysFailingBatchFailsTheJobWithoutRestartNamingShardAndSequences() {
        kit.fc.invocations().clear();
        Fault poison = kit.fc.faults().add(Fault.functionError("poison pill").whenEventId("1:30"));
        // on-exhausted=suspend is the default: this case is the one that fails the job
        String jobId = kit.submit(with("--on-exhausted", "fail"), 2, null);
        kit.cluster.awaitJobStatus(jobId, "FAILED", TIMEOUT);

        JsonNode history =
                kit.cluster.exceptions(jobId).path("exceptionHistory").path("entries");
        assertThat(history.size()).as("one failure, no restart").isEqualTo(1);
        assertThat(history.toString())
                .contains("shard 1 of DataHub project " + PROJECT + ", topic " + TOPIC + " is exhausted")
                .contains("failed 5 attempts (retry.max-attempts=5)")
                .contains("poison pill");
        assertThat(poison.fired()).isEqualTo(5);
        kit.fc.faults().clear();
    }

    @Test
    @Order(3)
    void aWrongFcSecretAMissingFunctionAndAServiceWithFc3AreOneClearParagraphThroughTheCli() throws IOException {
        // DataHub accepts this key pair; FC knows the key id with another secret: only FC's check can fail
        kit.datahub.acceptCredentials("LTAI-fc3-key", "fc3-secret-wrong-for-fc");
        kit.fc.addAccessKey("LTAI-fc3-key", "fc3-secret-fc-knows");
        Path wrongForFc = kit.cluster.workDir().resolve("fc3-wrong-credentials");
        Files.writeString(wrongForFc, "access_key_id = LTAI-fc3-key\naccess_key_secret = fc3-secret-wrong-for-fc\n");
        Map<String, List<String>> cases = new LinkedHashMap<>();
        cases.put("wrong FC secret", with("--credentials.file", wrongForFc.toString()));
        cases.put("missing FC 3.0 function", replace("--fc.function", "nofn"));
        cases.put("fc.service with 2023-03-30", with("--fc.service", "svc"));
        Map<String, String> expected = Map.of(
                "wrong FC secret", "FC rejected the signature of the check of " + FUNCTION,
                "missing FC 3.0 function", "FC function 'nofn' does not exist at " + kit.fc.endpoint(),
                "fc.service with 2023-03-30", "--fc.service 'svc' is not used by FC 3.0 (fc.api-version 2023-03-30)");
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            List<String> cli = new ArrayList<>(List.of("run", "-d", "-c", ClusterKit.JOB_CLASS, kit.jar.toString()));
            cli.addAll(c.getValue());
            FlinkJvmLauncher.CommandResult r = kit.cluster.cli(Duration.ofSeconds(60), cli.toArray(new String[0]));
            assertThat(r.timedOut()).as(c.getKey() + ": no hang").isFalse();
            assertThat(r.exitCode())
                    .as(c.getKey() + ": non-zero exit\n" + r.output())
                    .isNotZero();
            assertThat(r.output())
                    .as(c.getKey())
                    .contains("datahub-fc-sync cannot start: ")
                    .contains(expected.get(c.getKey()))
                    .doesNotContain("fc3-secret-wrong-for-fc")
                    .doesNotContain("fc3-secret-fc-knows")
                    .doesNotContain(DataHubEmulator.TEST_ACCESS_KEY_SECRET);
            kit.figure("CLI " + c.getKey(), r.elapsed().toMillis() + " ms, exit " + r.exitCode());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> jobArgs() {
        return kit.fc3Args(
                PROJECT,
                TOPIC,
                FUNCTION,
                "--start",
                "OLDEST",
                "--batch.max-records",
                "10",
                "--retry.max-attempts",
                "5",
                "--retry.interval",
                RETRY_INTERVAL.toMillis() + "ms");
    }

    private static List<String> with(String... extra) {
        return JobArguments.with(jobArgs(), extra);
    }

    private static List<String> replace(String key, String value) {
        return JobArguments.replacing(jobArgs(), key, value);
    }

    /** The calls whose event holds {@code eventId}, in order of arrival. */
    private static List<InvocationRecord> attemptsHolding(String eventId) {
        List<InvocationRecord> out = new ArrayList<>();
        for (InvocationRecord r : kit.fc.invocations().all()) {
            if (r.payloadUtf8().contains("\"eventId\":\"" + eventId + "\"")) out.add(r);
        }
        out.sort(java.util.Comparator.comparing(InvocationRecord::received));
        return out;
    }

    private static Map<String, List<Long>> produced() {
        return DeliveryLedger.produced(kit.datahub, PROJECT, TOPIC);
    }
}
