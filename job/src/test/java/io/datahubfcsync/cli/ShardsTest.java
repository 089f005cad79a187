package io.datahubfcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.delivery.control.ResumeRequest;
import io.datahubfcsync.delivery.control.ResumeResponse;
import io.datahubfcsync.delivery.control.ShardState;
import io.datahubfcsync.delivery.control.ShardStatus;
import io.datahubfcsync.delivery.control.ShardStatusRequest;
import io.datahubfcsync.delivery.control.ShardStatusResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shards command end to end against a stand-in of Flink's REST API that reads and answers with the real types. */
class ShardsTest {

    private static final String JOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private static final long AT = 1_764_578_400_000L; // 2025-12-01T08:40:00Z
    private static final ShardStatus RETRYING = new ShardStatus(
            "0",
            1,
            ShardState.RETRYING,
            120,
            99,
            2_400_000,
            12,
            "injected: the function fails\n\tat Function.handle",
            "req-7f",
            AT,
            List.of(),
            AT + 1_000);
    private static final ShardStatus RUNNING =
            new ShardStatus("1", 0, ShardState.RUNNING, 80, 80, 0, 0, null, null, -1, List.of(), AT + 1_000);
    private static final ShardStatus CHILD = new ShardStatus(
            "2", 0, ShardState.WAITING_FOR_PARENTS, 5, -1, 1_500, 0, null, null, -1, List.of("0", "1"), AT + 1_000);

    private final FlinkRestMock flink = new FlinkRestMock(JOB);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        flink.close();
    }

    @Test
    void listPrintsOneRowPerShardWithStateSequencesLagFailuresLastErrorAndParents() {
        flink.coordinator(r -> new ShardStatusResponse(List.of(RETRYING, RUNNING, CHILD), List.of()));

        assertThat(run("list")).isZero();

        assertThat(flink.received()).singleElement().isInstanceOf(ShardStatusRequest.class);
        assertThat(flink.coordinatorPaths()).containsExactly("/jobs/" + JOB + "/coordinators/fc-delivery");
        List<String> lines = out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0))
                .startsWith("SHARD")
                .contains("STATE", "READ", "DELIVERED", "LAG", "FAILURES", "PARENTS", "LAST ERROR");
        assertThat(lines.get(1).split("\\s+"))
                .startsWith(
                        "0",
                        "retrying",
                        "120",
                        "99",
                        "40m00s",
                        "12",
                        "-",
                        "2025-12-01T08:40:00Z",
                        "request",
                        "req-7f:",
                        "injected:");
        assertThat(lines.get(1)).endsWith("injected: the function fails").doesNotContain("Function.handle");
        assertThat(lines.get(2).split("\\s+")).containsExactly("1", "running", "80", "80", "0ms", "0", "-", "-");
        assertThat(lines.get(3).split("\\s+"))
                .containsExactly("2", "waiting-for-parents", "5", "-", "1s", "0", "0,1", "-");
        assertThat(err()).isEmpty();
    }

    @Test
    void listJsonPrintsTheSameFieldsAsAnArray() throws Exception {
        flink.coordinator(r -> new ShardStatusResponse(List.of(RETRYING, CHILD), List.of()));

        assertThat(run("list", "--json")).isZero();

        JsonNode rows = new ObjectMapper().readTree(out());
        assertThat(rows.isArray()).isTrue();
        assertThat(rows).hasSize(2);
        JsonNode first = rows.get(0);
        assertThat(iterable(first.fieldNames()))
                .containsExactly(
                        "shard",
                        "state",
                        "readSequence",
                        "deliveredSequence",
                        "millisBehindLatest",
                        "consecutiveFailures",
                        "lastError",
                        "lastErrorRequestId",
                        "lastErrorTime",
                        "parents");
        assertThat(first.path("shard").asText()).isEqualTo("0");
        assertThat(first.path("state").asText()).isEqualTo("retrying");
        assertThat(first.path("readSequence").asLong()).isEqualTo(120);
        assertThat(first.path("deliveredSequence").asLong()).isEqualTo(99);
        assertThat(first.path("millisBehindLatest").asLong()).isEqualTo(2_400_000);
        assertThat(first.path("consecutiveFailures").asInt()).isEqualTo(12);
        assertThat(first.path("lastError").asText()).isEqualTo("injected: the function fails");
        assertThat(first.path("lastErrorRequestId").asText()).isEqualTo("req-7f");
        assertThat(first.path("lastErrorTime").asText()).isEqualTo("2025-12-01T08:40:00Z");
        JsonNode child = rows.get(1);
        assertThat(child.path("lastError").isNull()).isTrue();
        assertThat(child.path("lastErrorTime").isNull()).isTrue();
        assertThat(child.path("parents")).extracting(JsonNode::asText).containsExactly("0", "1");
    }

    @Test
    void aListWithSilentSubtasksPrintsWhatItHasAndExitsThree() {
        flink.coordinator(r -> new ShardStatusResponse(List.of(RUNNING), List.of(1)));

        assertThat(run("list")).isEqualTo(Shards.PARTIAL);

        assertThat(out()).contains("running");
        assertThat(err()).contains("subtasks [1] of the delivery operator did not answer in time");
    }

    @Test
    void resumeSendsTheShardAndSaysWhatWasResumed() {
        flink.coordinator(r -> new ResumeResponse(List.of("0"), Map.of(), List.of(), List.of()));

        assertThat(run("resume", "0")).isZero();

        assertThat(flink.received()).containsExactly(ResumeRequest.shard("0"));
        assertThat(out()).isEqualTo("resumed shard 0 (the batch is tried at once, with a fresh retry budget)\n");
    }

    @Test
    void resumeAllAsksForEverySuspendedShard() {
        flink.coordinator(r -> new ResumeResponse(List.of("0", "3"), Map.of(), List.of(), List.of()));

        assertThat(run("resume", "--all")).isZero();

        assertThat(flink.received()).containsExactly(ResumeRequest.allSuspended());
        assertThat(out()).startsWith("resumed 2 shards: 0, 3");
    }

    @Test
    void resumingAShardThatIsNotSuspendedSaysSoAndChangesNothing() {
        flink.coordinator(r -> new ResumeResponse(List.of(), Map.of("1", ShardState.RETRYING), List.of(), List.of()));

        assertThat(run("resume", "1")).isZero();

        assertThat(out()).isEqualTo("shard 1 is retrying, not suspended: nothing changed\n");
    }

    @Test
    void resumeAllWithNothingSuspendedSaysSo() {
        flink.coordinator(r -> new ResumeResponse(List.of(), Map.of(), List.of(), List.of()));

        assertThat(run("resume", "--all")).isZero();

        assertThat(out()).isEqualTo("no shard is suspended: nothing changed\n");
    }

    @Test
    void resumingAShardNoSubtaskHoldsFailsWithOneLine() {
        flink.coordinator(r -> new ResumeResponse(List.of(), Map.of(), List.of("9"), List.of()));

        assertThat(run("resume", "9")).isEqualTo(Shards.UNKNOWN_SHARD);

        assertThat(err())
                .isEqualTo("shards: no subtask of job " + JOB + " holds shard 9: 'list' shows the job's shards\n");
    }

    @Test
    void aWrongJobIdIsOneLineAndExitOne() {
        int exit = new Shards(uri -> client(uri))
                .run(
                        new String[] {
                            "--jobmanager",
                            flink.address().toString(),
                            "--job",
                            "ffffffffffffffffffffffffffffffff",
                            "list"
                        },
                        print(out),
                        print(err));

        assertThat(exit).isEqualTo(1);
        assertThat(err())
                .isEqualTo("shards: no job ffffffffffffffffffffffffffffffff at the JobManager " + flink.address()
                        + ": check the id with 'flink list' or the web UI's Jobs page\n");
        assertThat(flink.coordinatorPaths()).isEmpty();
    }

    @Test
    void aJobThatIsNotRunningIsOneLineAndExitOne() {
        flink.jobState("FAILED");

        assertThat(run("list")).isEqualTo(1);

        assertThat(err())
                .isEqualTo("shards: job " + JOB + " (datahub-fc-sync p/t -> s/f) is FAILED, not RUNNING: "
                        + "shard status and resume need the running job\n");
        assertThat(flink.coordinatorPaths()).isEmpty();
    }

    @Test
    void anUnreachableJobManagerIsOneLineAndExitOne() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String address = "http://127.0.0.1:" + closedPort;
        int exit = new Shards(uri -> client(uri))
                .run(new String[] {"--jobmanager", address, "--job", JOB, "list"}, print(out), print(err));

        assertThat(exit).isEqualTo(1);
        assertThat(err())
                .isEqualTo("shards: cannot reach the JobManager at " + address
                        + " (connection refused): check --jobmanager, the REST address and port of the Flink web UI\n");
    }

    @Test
    void aCoordinatorFailureShowsFlinksDeepestCause() {
        flink.coordinatorFails("org.apache.flink.runtime.rest.handler.RestHandlerException: Internal server error.\n"
                + "\tat org.apache.flink...\n"
                + "Caused by: java.util.concurrent.CompletionException: org.apache.flink.util.FlinkException: wrapped\n"
                + "Caused by: org.apache.flink.util.FlinkException: Coordinator of operator fc-delivery does not exist.\n"
                + "\tat org.apache.flink...\n");

        assertThat(run("list")).isEqualTo(1);

        assertThat(err().lines().toList())
                .singleElement()
                .isEqualTo(
                        "shards: the JobManager at " + flink.address()
                                + " refused the delivery operator's coordinator of job " + JOB
                                + " (HTTP 500): org.apache.flink.util.FlinkException: Coordinator of operator fc-delivery does not exist.");
    }

    @Test
    void aJobWithoutTheDeliveryCoordinatorIsNamedAsSuch() {
        // what Flink 2.3 answers when the uid resolves to an operator without a coordinator
        flink.coordinatorFails(
                404,
                "org.apache.flink.runtime.scheduler.CoordinatorNotExistException: Coordinator of "
                        + "operator 4f73329b5eeabff95c4ff18906b8280b does not exist or the job vertex this operator belongs to is not initialized.");

        assertThat(run("list")).isEqualTo(1);

        assertThat(err())
                .isEqualTo("shards: job " + JOB + " has no delivery coordinator (operator uid fc-delivery): it runs "
                        + "a job jar from before the shards command, or is not a datahub-fc-sync job; stop it with a savepoint and "
                        + "resume it with this jar\n");
    }

    @Test
    void wrongArgumentsExitTwoWithTheUsageAndCallNothing() {
        int exit = new Shards(uri -> client(uri)).run(new String[] {"list"}, print(out), print(err));

        assertThat(exit).isEqualTo(ShardsException.USAGE);
        assertThat(err()).contains("--jobmanager is missing").contains("usage:");
        assertThat(flink.coordinatorPaths()).isEmpty();
    }

    @Test
    void durationsReadAtAGlance() {
        assertThat(List.of(
                        ShardTable.duration(850),
                        ShardTable.duration(12_300),
                        ShardTable.duration(245_000),
                        ShardTable.duration(7_380_000),
                        ShardTable.duration(-1)))
                .containsExactly("850ms", "12s", "4m05s", "2h03m", "-");
    }

    private int run(String... command) {
        List<String> args =
                new ArrayList<>(List.of("--jobmanager", flink.address().toString(), "--job", JOB));
        args.addAll(List.of(command));
        return new Shards(uri -> client(uri)).run(args.toArray(String[]::new), print(out), print(err));
    }

    private static JobManagerClient client(java.net.URI uri) {
        return new JobManagerClient(uri, Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    private static PrintStream print(ByteArrayOutputStream to) {
        return new PrintStream(to, true, StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
