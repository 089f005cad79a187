package io.datahubfcsync.delivery;

import static io.datahubfcsync.delivery.DeliveryHarness.config;
import static io.datahubfcsync.delivery.DeliveryHarness.operator;
import static io.datahubfcsync.delivery.DeliveryHarness.timers;
import static io.datahubfcsync.metrics.ShardDeliveryMetrics.STATE_RETRYING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.LostRecordsException;
import io.datahubfcsync.source.config.OnExpiredPosition;
import io.datahubfcsync.source.testing.FakeDataHubClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-shard flow control: a lane that cannot move keeps only its budget, never holds up the input,
 * and reads what it let go back from DataHub (through the source's reader code) once it moves.
 * Each test would hang in {@code processElement} if a stuck lane held up the input; the timeout
 * turns that into a failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CatchUpTest {
    private static final int RECORDS = 30;
    private static final int BUDGET = 4;
    private final DeliveryHarness h = new DeliveryHarness();
    private final FakeDataHubClient dataHub = new FakeDataHubClient();

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private static DeliveryConfig.Builder budgeted() {
        return config().batchMaxRecords(2).maxBufferedRecordsPerShard(BUDGET).retryMaxAttempts(1000);
    }

    private OneInputStreamOperatorTestHarness<ShardRecord, Void> open(
            OnExpiredPosition onExpired, OperatorSubtaskState restoreFrom, JobID job) throws Exception {
        return h.open(
                budgeted(),
                restoreFrom,
                job,
                null,
                dataHub,
                DataHubSourceConfig.builder().onExpiredPosition(onExpired));
    }

    @Test
    void aRetryingShardKeepsOnlyItsBudgetWhileOthersDeliverAndReadsTheRestBackInOrderOnceItMoves() throws Exception {
        dataHub.shard("a").appendMany(RECORDS, 1_000);
        var harness = open(OnExpiredPosition.FAIL, null, new JobID());
        retryingWithTheRestLetGo(harness);

        assertThat(h.function.delivered().get("b"))
                .as("the other shard delivered everything meanwhile")
                .containsExactlyElementsOf(sequences(0, RECORDS));
        assertThat(operator(harness).bufferedRecords())
                .as("shard a holds no more than its budget")
                .isEqualTo(BUDGET);

        harness.setProcessingTime(harness.getProcessingTime() + 100);
        h.succeedUntil(
                "shard a caught up and delivered",
                () -> h.function.delivered().getOrDefault("a", List.of()).size() == RECORDS
                        && operator(harness).bufferedRecords() == 0);
        assertThat(h.function.delivered().get("a")).containsExactlyElementsOf(sequences(0, RECORDS));
        assertThat(dataHub.readCalls.get())
                .as("what was let go came back from DataHub")
                .isPositive();
    }

    @Test
    void aShardWhoseRetryIsOnTheWireWhenRecordsArriveKeepsOnlyItsBudgetAndReadsTheRestBack() throws Exception {
        dataHub.shard("a").appendMany(RECORDS, 1_000);
        var harness = open(OnExpiredPosition.FAIL, null, new JobID());
        harness.processElement(record("a", 0), 0);
        h.runMailsUntil("a's first call", () -> h.function.held().size() == 1);
        h.function.held().get(0).fail("boom", "req-1");
        h.runMailsUntil(
                "a retrying",
                () -> operator(harness).stateOf("a") == STATE_RETRYING
                        && !timers(harness).isEmpty());
        harness.setProcessingTime(harness.getProcessingTime() + 100);
        h.runMailsUntil("a's retry on the wire", () -> h.function.held().size() == 1);

        // the records arrive while the retry is out, not while the lane waits for its next attempt
        for (int seq = 1; seq < RECORDS; seq++) harness.processElement(record("a", seq), 0);
        assertThat(operator(harness).bufferedRecords())
                .as("shard a holds no more than its budget")
                .isEqualTo(BUDGET);
        assertThat(operator(harness).lane("a").hasGap())
                .as("shard a let the rest go")
                .isTrue();

        h.succeedUntil(
                "shard a caught up and delivered",
                () -> h.function.delivered().getOrDefault("a", List.of()).size() == RECORDS
                        && operator(harness).bufferedRecords() == 0);
        assertThat(h.function.delivered().get("a")).containsExactlyElementsOf(sequences(0, RECORDS));
        assertThat(dataHub.readCalls.get())
                .as("what was let go came back from DataHub")
                .isPositive();
    }

    @Test
    void aLaneLettingRecordsGoKeepsItsGapAcrossACheckpointAndReadsItBackAfterTheRestore() throws Exception {
        dataHub.shard("a").appendMany(RECORDS, 1_000);
        var harness = open(OnExpiredPosition.FAIL, null, new JobID());
        retryingWithTheRestLetGo(harness);
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);

        var restored = open(OnExpiredPosition.FAIL, checkpoint, new JobID());
        h.succeedUntil(
                "shard a delivered after the restore",
                () -> operator(restored).bufferedRecords() == 0
                        && h.function.delivered().getOrDefault("a", List.of()).size() == RECORDS);
        assertThat(h.function.delivered().get("a")).containsExactlyElementsOf(sequences(0, RECORDS));
    }

    @Test
    void aLetGoRangeThatExpiredUnderFailFailsTheJobWithoutRestartNamingShardAndRange() throws Exception {
        dataHub.shard("a").appendMany(RECORDS, 1_000);
        var harness = open(OnExpiredPosition.FAIL, null, new JobID());
        retryingWithTheRestLetGo(harness);
        dataHub.shard("a").expireBefore(10);

        harness.setProcessingTime(harness.getProcessingTime() + 100);
        Throwable failure = catchThrowable(() -> h.succeedUntil("never: the range is gone", () -> false));

        assertThat(failure).isInstanceOf(SuppressRestartsException.class);
        LostRecordsException lost = ExceptionUtils.findThrowable(failure, LostRecordsException.class)
                .orElseThrow();
        assertThat(lost.getMessage())
                .contains("proj", "topic", "shard a", "4")
                .contains("datahub.on-expired-position=oldest");
        assertThat(h.function.delivered().get("a"))
                .as("what was kept was delivered first")
                .containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void underOldestALaneGoesOnFromTheOldestRetainedRecordAndCountsWhatWasLost() throws Exception {
        dataHub.shard("a").appendMany(RECORDS, 1_000);
        var harness = open(OnExpiredPosition.OLDEST, null, new JobID());
        retryingWithTheRestLetGo(harness);
        dataHub.shard("a").expireBefore(10);

        harness.setProcessingTime(harness.getProcessingTime() + 100);
        h.succeedUntil(
                "shard a delivered what is left",
                () -> operator(harness).bufferedRecords() == 0
                        && h.function.delivered().getOrDefault("a", List.of()).contains((long) RECORDS - 1));
        List<Long> expected = new java.util.ArrayList<>(List.of(0L, 1L, 2L, 3L));
        expected.addAll(sequences(10, RECORDS));
        assertThat(h.function.delivered().get("a")).containsExactlyElementsOf(expected);
        assertThat(operator(harness).catchUpCounters().expiredRecordsSkipped())
                .as("records 4..9 were lost")
                .isEqualTo(6);
    }

    /**
     * Shard a's first call fails (the shard retries), then 30 records of a and of b arrive
     * interleaved; every b call succeeds at once. Returns with b delivered and a holding its budget.
     */
    private void retryingWithTheRestLetGo(OneInputStreamOperatorTestHarness<ShardRecord, Void> harness)
            throws Exception {
        harness.processElement(record("a", 0), 0);
        h.runMailsUntil("a's first call", () -> h.function.held().size() == 1);
        h.function.held().get(0).fail("boom", "req-1");
        h.runMailsUntil(
                "a retrying",
                () -> operator(harness).stateOf("a") == STATE_RETRYING
                        && !timers(harness).isEmpty());
        h.function.succeedAtOnce("b"); // b can move: its answers come from the pool, as FC's would
        for (int seq = 0; seq < RECORDS; seq++) {
            if (seq > 0) harness.processElement(record("a", seq), 0);
            harness.processElement(record("b", seq), 0);
        }
        h.succeedUntil(
                "b delivered",
                () -> h.function.delivered().getOrDefault("b", List.of()).size() == RECORDS
                        && operator(harness).bufferedRecords() == BUDGET);
    }

    private static ShardRecord record(String shard, long seq) {
        return ShardRecord.blob(shard, seq, 1_000 + seq, (shard + "-" + seq).getBytes(StandardCharsets.UTF_8));
    }

    private static List<Long> sequences(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }
}
