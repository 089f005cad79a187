package io.datahubfcsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.fc.Fault;
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
 * Exhaustion and bad input on a real cluster (JobManager + 2 TaskManagers as separate JVMs, the
 * shaded job jar): a batch that always fails ends the job FAILED without a restart, naming shard and
 * sequence range, with nothing later of that shard delivered; after the function is fixed the job is
 * resumed from the retained checkpoint ({@code flink run -s}) and everything is delivered. Then bad
 * input through the Flink CLI: one clear paragraph, non-zero exit, never the secret.
 *
 * <p>The harness runs an exponential-delay restart strategy, so "no restart" proves the job's own
 * SuppressRestartsException, not a cluster without restarts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExhaustionAndBadInputClusterIT {
    private static final String PROJECT = "shop";
    private static final String TOPIC = "orders";
    private static final String SERVICE = "svc";
    private static final String FUNCTION = "fn";
    private static final int SHARDS = 2;
    private static final int PER_SHARD = 60;
    private static final String POISON = "1:30"; // the batch holding this record always fails
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ClusterKit kit;
    private static String failedJobId;

    @BeforeAll
    static void start() {
        kit = ClusterKit.builder("exhaustion", ExhaustionAndBadInputClusterIT.class)
                .start();
        kit.topic(PROJECT, TOPIC, SHARDS);
        kit.appendNumbered(PROJECT, TOPIC, SHARDS, PER_SHARD);
        kit.function(SERVICE, FUNCTION);
    }

    @AfterAll
    static void stop() {
        if (kit != null) kit.close();
    }

    @Test
    @Order(1)
    void anAlwaysFailingBatchFailsTheJobWithoutRestartNamingShardAndSequences() {
        Fault poison = kit.fc.faults().add(Fault.functionError("poison pill").whenEventId(POISON));
        failedJobId = kit.submit(jobArgs(), 2, null);
        long started = System.nanoTime();
        kit.cluster.awaitJobStatus(failedJobId, "FAILED", TIMEOUT);
        kit.figure(
                "submission to FAILED (5 attempts, 200 ms apart)",
                Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");

        JsonNode history =
                kit.cluster.exceptions(failedJobId).path("exceptionHistory").path("entries");
        String root = history.toString();
        assertThat(history.size()).as("one failure, no restart").isEqualTo(1);
        assertThat(kit.cluster.subtaskAttempts(failedJobId))
                .as("every subtask still in its first attempt: never restarted")
                .isNotEmpty()
                .containsOnly(0);
        assertThat(poison.fired()).isEqualTo(5);

        long[] failedRange = failedBatchRange();
        assertThat(failedRange[0]).as("the failed batch holds " + POISON).isLessThanOrEqualTo(30);
        assertThat(failedRange[1]).as("the failed batch holds " + POISON).isGreaterThanOrEqualTo(30);
        assertThat(root)
                .contains("shard 1 of DataHub project " + PROJECT + ", topic " + TOPIC + " is exhausted")
                .as("the exception names the sequence range FC saw in the failed batch")
                .contains("records 1:" + failedRange[0] + "..1:" + failedRange[1])
                .contains("failed 5 attempts (retry.max-attempts=5)")
                .contains("poison pill");
        long lastDeliveredOfShard1 = deliveredSequences("1").stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(-1);
        assertThat(lastDeliveredOfShard1)
                .as("nothing of shard 1 after the failed batch was delivered")
                .isLessThan(failedRange[0]);
        kit.figure("failed batch", "1:" + failedRange[0] + "..1:" + failedRange[1]);
    }

    @Test
    @Order(2)
    void afterTheFixAResumeFromTheRetainedCheckpointDeliversEverythingInOrder() {
        String checkpoint = kit.cluster
                .latestCheckpointPath(failedJobId)
                .orElseThrow(() -> new AssertionError("no retained checkpoint of the failed job"));
        kit.fc.faults().clear(); // the function is fixed
        String resumed = kit.submit(jobArgs(), 2, checkpoint);
        kit.cluster.awaitJobStatus(resumed, "RUNNING", TIMEOUT);
        DeliveryLedger.Report report = Await.value(
                "every record delivered after the resume",
                TIMEOUT,
                Duration.ofMillis(250),
                () -> DeliveryLedger.reconcile(produced(), kit.fc.invocations().all()),
                DeliveryLedger.Report::complete);
        kit.figure("resume from " + checkpoint.substring(checkpoint.lastIndexOf('/') + 1), report.toString());
        assertThat(report.orderViolations())
                .as("first deliveries per shard in sequence order")
                .isEmpty();
        assertThat(kit.cluster.latestRestored(resumed)).isPresent();
        kit.cluster.cancel(resumed, TIMEOUT);
    }

    @Test
    @Order(3)
    void badInputThroughTheCliIsOneClearParagraphAndANonZeroExit() throws IOException {
        Path wrongSecret = kit.cluster.workDir().resolve("wrong-credentials");
        Files.writeString(
                wrongSecret,
                "access_key_id = " + DataHubEmulator.TEST_ACCESS_KEY_ID
                        + "\naccess_key_secret = not-the-secret-0123\n");
        Map<String, List<String>> cases = new LinkedHashMap<>();
        cases.put("unknown key", with("--batch.max-record", "10"));
        cases.put("out of range", replace("--batch.max-records", "0"));
        cases.put("duration without unit", replace("--retry.interval", "5"));
        cases.put("http to a non-loopback host", replace("--datahub.endpoint", "http://dh-cn-hangzhou.aliyuncs.com"));
        cases.put("missing required key", without("--fc.function"));
        cases.put("no credentials", jobArgs()); // run below without the ALIBABA_CLOUD_* variables
        cases.put("missing credentials file", with("--credentials.file", "/nonexistent/credentials"));
        cases.put("wrong secret", with("--credentials.file", wrongSecret.toString()));
        cases.put("missing topic", replace("--datahub.topic", "nope"));
        cases.put("missing function", replace("--fc.function", "nofn"));
        Map<String, String> expected = Map.of(
                "unknown key", "unknown parameter --batch.max-record. Did you mean --batch.max-records?",
                "out of range", "--batch.max-records '0' is out of range: allowed 1..10000",
                "duration without unit", "--retry.interval '5' a unit is required",
                "http to a non-loopback host", "http:// is only allowed for loopback",
                "missing required key", "--fc.function is required",
                "no credentials",
                        "No Alibaba Cloud credentials: set the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID",
                "missing credentials file", "credentials.file /nonexistent/credentials does not exist",
                "wrong secret", "DataHub rejected the credentials",
                "missing topic", "getTopic shop/nope failed: the project or topic does not exist",
                "missing function", "'nofn' does not exist in service 'svc'");
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            List<String> cli = new ArrayList<>(List.of("run", "-d", "-c", ClusterKit.JOB_CLASS, kit.jar.toString()));
            cli.addAll(c.getValue());
            String[] argv = cli.toArray(new String[0]);
            FlinkJvmLauncher.CommandResult r = c.getKey().equals("no credentials")
                    ? kit.cluster.cli(Duration.ofSeconds(60), Map.of(), argv)
                    : kit.cluster.cli(Duration.ofSeconds(60), argv);
            assertThat(r.timedOut()).as(c.getKey() + ": no hang").isFalse();
            assertThat(r.exitCode())
                    .as(c.getKey() + ": non-zero exit\n" + r.output())
                    .isNotZero();
            String headline = "datahub-fc-sync cannot start: ";
            assertThat(r.output())
                    .as(c.getKey())
                    .contains(headline)
                    .contains(expected.get(c.getKey()))
                    .doesNotContain(DataHubEmulator.TEST_ACCESS_KEY_SECRET)
                    .doesNotContain("not-the-secret-0123");
            assertThat(firstLineOfSubstance(r.output()))
                    .as(c.getKey() + ": our message leads, before any stack trace\n" + r.output())
                    .startsWith(headline);
            kit.figure("CLI " + c.getKey(), r.elapsed().toMillis() + " ms, exit " + r.exitCode());
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The first line that is neither blank nor one of the JVM's own warnings (e.g. about --add-opens). */
    private static String firstLineOfSubstance(String output) {
        return output.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("WARNING:") && !l.startsWith("OpenJDK"))
                .findFirst()
                .orElse("");
    }

    private static List<String> jobArgs() {
        return kit.args(
                PROJECT,
                TOPIC,
                SERVICE,
                FUNCTION,
                "--start",
                "OLDEST",
                "--batch.max-records",
                "10",
                "--retry.max-attempts",
                "5",
                "--retry.interval",
                "200ms",
                "--on-exhausted",
                "fail");
    }

    private static List<String> with(String... extra) {
        return JobArguments.with(jobArgs(), extra);
    }

    private static List<String> replace(String key, String value) {
        return JobArguments.replacing(jobArgs(), key, value);
    }

    private static List<String> without(String key) {
        return JobArguments.without(jobArgs(), key);
    }

    /** First and last sequence of the batch that carried the poison record. */
    private static long[] failedBatchRange() {
        for (InvocationRecord inv : kit.fc.invocations().all()) {
            if (inv.outcome() != InvocationRecord.Outcome.FUNCTION_ERROR) continue;
            List<Long> sequences = sequencesIn(inv, "1");
            if (!sequences.isEmpty()) return new long[] {sequences.get(0), sequences.get(sequences.size() - 1)};
        }
        throw new AssertionError("no failed invocation for shard 1");
    }

    private static List<Long> deliveredSequences(String shard) {
        List<Long> out = new ArrayList<>();
        for (InvocationRecord inv : kit.fc.invocations().all()) {
            if (inv.outcome() == InvocationRecord.Outcome.SUCCESS) out.addAll(sequencesIn(inv, shard));
        }
        return out;
    }

    private static List<Long> sequencesIn(InvocationRecord inv, String shard) {
        List<Long> out = new ArrayList<>();
        try {
            for (JsonNode r : JSON.readTree(inv.payload()).path("records")) {
                String[] id = r.path("eventId").asText().split(":");
                if (id[0].equals(shard)) out.add(Long.parseLong(id[1]));
            }
        } catch (IOException e) {
            throw new AssertionError("not an event: " + inv, e);
        }
        return out;
    }

    private static Map<String, List<Long>> produced() {
        return DeliveryLedger.produced(kit.datahub, PROJECT, TOPIC);
    }
}
