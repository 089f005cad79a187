package io.datahubfcsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.local.fc.InvocationRecord;
import io.datahubfcsync.metrics.MetricNames.SourceReader;
import io.datahubfcsync.testing.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The case {@code datahub.on-expired-position} exists for, on a real cluster (JobManager + 2
 * TaskManagers as separate JVMs, the shaded job jar): the job is stopped with a savepoint, records
 * after the saved position expire in DataHub, and the job is resumed from the savepoint. Under
 * {@code fail} the job fails at once without a restart (the harness's restart strategy would
 * restart an ordinary failure), naming project, topic, shard and the lost range; under
 * {@code oldest} it resumes from the oldest retained record and counts the records it skipped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExpiredPositionClusterIT {
    private static final String PROJECT = "shop";
    private static final String TOPIC = "orders";
    private static final String SERVICE = "svc";
    private static final String FUNCTION = "fn";
    private static final int FIRST = 50;
    private static final int MORE = 100;
    private static final long EXPIRED_BEFORE = 120; // shard 0 loses 50..119 after the savepoint
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ClusterKit kit;
    private static String savepoint;

    @BeforeAll
    static void start() {
        kit = ClusterKit.builder("expired", ExpiredPositionClusterIT.class).start();
        kit.topic(PROJECT, TOPIC, 2);
        append(FIRST);
        kit.function(SERVICE, FUNCTION);
    }

    @AfterAll
    static void stop() {
        if (kit != null) kit.close();
    }

    private static void append(int perShard) {
        kit.appendNumbered(PROJECT, TOPIC, 2, perShard);
    }

    @Test
    @Order(1)
    void aResumeWhoseSavedPositionExpiredFailsWithoutRestartNamingTheLostRange() {
        String first = kit.submit(jobArgs(), 2, null);
        kit.cluster.awaitJobStatus(first, "RUNNING", TIMEOUT);
        Await.until(
                "the first " + 2 * FIRST + " records delivered",
                TIMEOUT,
                () -> delivered("0").size() == FIRST && delivered("1").size() == FIRST);
        savepoint = kit.cluster.stopWithSavepoint(first, TIMEOUT);

        append(MORE);
        kit.datahub.expireBefore(PROJECT, TOPIC, "0", EXPIRED_BEFORE);
        kit.fc.invocations().clear();

        String resumed = kit.submit(jobArgs(), 2, savepoint);
        long started = System.nanoTime();
        kit.cluster.awaitJobStatus(resumed, "FAILED", TIMEOUT);
        kit.figure(
                "resume to FAILED",
                Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");

        JsonNode history =
                kit.cluster.exceptions(resumed).path("exceptionHistory").path("entries");
        assertThat(history.size()).as("one failure, no restart").isEqualTo(1);
        assertThat(kit.cluster.subtaskAttempts(resumed))
                .as("every subtask still in its first attempt")
                .isNotEmpty()
                .containsOnly(0);
        assertThat(history.toString())
                .contains("Records of shard 0 in DataHub project " + PROJECT + " topic " + TOPIC)
                .contains("sequences 50..119 (70 records)")
                .contains("the oldest retained sequence is 120")
                .contains("datahub.on-expired-position=oldest");
        assertThat(delivered("0"))
                .as("nothing of shard 0 delivered past the gap")
                .isEmpty();
        String text = history.toString();
        int at = text.indexOf("Records of shard 0");
        kit.figure("failure", text.substring(at, text.indexOf("retained sequence is 120", at) + 24));
    }

    @Test
    @Order(2)
    void underOldestTheResumeGoesOnFromTheOldestRetainedRecordAndCountsTheSkippedRecords() {
        List<String> args = new ArrayList<>(jobArgs());
        args.addAll(List.of("--datahub.on-expired-position", "oldest"));
        kit.fc.invocations().clear();
        String resumed = kit.submit(args, 2, savepoint);
        kit.cluster.awaitJobStatus(resumed, "RUNNING", TIMEOUT);
        RestPoll.until(
                "shard 0 from 120 and shard 1 from 50 delivered",
                TIMEOUT,
                () -> delivered("0").size() >= FIRST + MORE - EXPIRED_BEFORE
                        && delivered("1").size() >= MORE);
        assertThat(new TreeSet<>(delivered("0"))).first().isEqualTo(EXPIRED_BEFORE);
        assertThat(new TreeSet<>(delivered("0"))).hasSize((int) (FIRST + MORE - EXPIRED_BEFORE));
        assertThat(new TreeSet<>(delivered("1"))).first().isEqualTo((long) FIRST);

        String sourceVertex = kit.cluster.vertex(resumed, "DataHub source").id();
        String skipped = RestPoll.until(
                "the expiredRecordsSkipped metric",
                TIMEOUT,
                () -> kit.cluster.vertexMetricIds(resumed, sourceVertex).stream()
                        .filter(id -> id.endsWith("." + SourceReader.EXPIRED_RECORDS_SKIPPED))
                        .map(id -> id.substring(id.indexOf('.') + 1))
                        .findFirst());
        double count = RestPoll.until(
                "70 skipped records reported",
                TIMEOUT,
                () -> kit.cluster
                        .aggregatedMetric(resumed, sourceVertex, skipped, "sum")
                        .filter(n -> n > 0));
        assertThat(count).as("records 50..119 of shard 0").isEqualTo(70.0);
        kit.figure("expiredRecordsSkipped", String.valueOf((long) count));
        kit.cluster.cancel(resumed, TIMEOUT);
    }

    private static List<String> jobArgs() {
        return kit.args(PROJECT, TOPIC, SERVICE, FUNCTION, "--start", "OLDEST", "--batch.max-records", "10");
    }

    /** Sequences of the shard FC received in successful invocations since the log was last cleared. */
    private static List<Long> delivered(String shard) {
        List<Long> out = new ArrayList<>();
        for (InvocationRecord inv : kit.fc.invocations().all()) {
            if (inv.outcome() != InvocationRecord.Outcome.SUCCESS) continue;
            try {
                for (JsonNode r : JSON.readTree(inv.payload()).path("records")) {
                    String[] id = r.path("eventId").asText().split(":");
                    if (id[0].equals(shard)) out.add(Long.parseLong(id[1]));
                }
            } catch (IOException e) {
                throw new AssertionError("not an event: " + inv, e);
            }
        }
        return out;
    }
}
