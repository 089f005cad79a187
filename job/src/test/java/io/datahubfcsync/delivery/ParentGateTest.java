package io.datahubfcsync.delivery;

import static io.datahubfcsync.delivery.DeliveryHarness.config;
import static io.datahubfcsync.delivery.DeliveryHarness.operator;
import static io.datahubfcsync.delivery.DeliveryHarness.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.delivery.control.ShardState;
import io.datahubfcsync.delivery.control.ShardStatus;
import io.datahubfcsync.delivery.coordination.DeliveredShardsEvent;
import io.datahubfcsync.delivery.coordination.ResumeCommandEvent;
import io.datahubfcsync.delivery.coordination.ResumeReportEvent;
import io.datahubfcsync.delivery.coordination.ShardDeliveredEvent;
import io.datahubfcsync.delivery.coordination.StatusQueryEvent;
import io.datahubfcsync.delivery.coordination.StatusReportEvent;
import io.datahubfcsync.event.ShardRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The subtask's side of delivery order across split and merge, and of the status and resume
 * requests: what a lane sends its coordinator and what it does with the coordinator's events.
 */
class ParentGateTest {
    private final DeliveryHarness h = new DeliveryHarness();

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    @Test
    void aChildHoldsItsRecordsUntilTheCoordinatorSaysEveryParentWasDelivered() throws Exception {
        var harness = h.open(config());
        harness.processElement(ShardRecord.start("c", new String[] {"p1", "p2"}), 0);
        for (int seq = 0; seq < 3; seq++) harness.processElement(record("c", seq), 0);
        h.runMails();
        assertThat(h.function.calls())
                .as("nothing of the child before its parents")
                .isEmpty();

        operator(harness).handleOperatorEvent(new DeliveredShardsEvent(Set.of("p1"), -1));
        h.runMails();
        assertThat(h.function.calls()).as("one parent is not enough").isEmpty();
        assertThat(status(harness, "c").state()).isEqualTo(ShardState.WAITING_FOR_PARENTS);
        assertThat(status(harness, "c").parents()).containsExactly("p1", "p2");

        operator(harness).handleOperatorEvent(new DeliveredShardsEvent(Set.of("p2"), -1));
        h.succeedUntil("the child delivered", () -> operator(harness).bufferedRecords() == 0);
        assertThat(h.function.delivered().get("c")).containsExactly(0L, 1L, 2L);
    }

    @Test
    void aChildWhoseParentsAreKnownDeliveredGoesAtOnce() throws Exception {
        var harness = h.open(config());
        operator(harness).handleOperatorEvent(new DeliveredShardsEvent(Set.of("p1", "p2"), 3));
        harness.processElement(ShardRecord.start("c", new String[] {"p1", "p2"}), 0);
        harness.processElement(record("c", 0), 0);
        h.succeedUntil("the child delivered", () -> operator(harness).bufferedRecords() == 0);
        assertThat(h.function.delivered().get("c")).containsExactly(0L);
    }

    @Test
    void aParentDeliveredToItsEndReportsItAndItsLaneGoesOnlyOnceACompletedCheckpointHoldsTheReport() throws Exception {
        var harness = h.open(config());
        harness.processElement(record("p", 0), 0);
        harness.processElement(record("p", 1), 0);
        harness.processElement(ShardRecord.end("p", 1), 0);
        h.succeedUntil("the parent delivered", () -> operator(harness).bufferedRecords() == 0);
        h.runMailsUntil("the report", () -> h.coordinator.getEventsSent().contains(new ShardDeliveredEvent("p")));

        operator(harness).handleOperatorEvent(new DeliveredShardsEvent(Set.of("p"), 5));
        harness.notifyOfCompletedCheckpoint(5);
        assertThat(operator(harness).stateOf("p"))
                .as("checkpoint 5 may not hold the coordinator's knowledge")
                .isZero();
        harness.notifyOfCompletedCheckpoint(6);
        assertThat(operator(harness).stateOf("p")).as("lane gone").isEqualTo(-1);

        OperatorSubtaskState after = harness.snapshot(7, 7);
        var restored = h.open(config(), after);
        assertThat(operator(restored).stateOf("p"))
                .as("its keyed state is gone too")
                .isEqualTo(-1);
        assertThat(h.coordinator.getEventsSent()).isEmpty();
    }

    @Test
    void aLaneDeliveredToItsEndReportsAgainAfterARestore() throws Exception {
        var harness = h.open(config());
        harness.processElement(record("p", 0), 0);
        harness.processElement(ShardRecord.end("p", 0), 0);
        h.succeedUntil("the parent delivered", () -> operator(harness).bufferedRecords() == 0);
        h.runMailsUntil("the report", () -> !h.coordinator.getEventsSent().isEmpty());
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1); // the coordinator's checkpoint may predate the report

        h.open(config(), checkpoint);
        assertThat(h.coordinator.getEventsSent()).containsExactly(new ShardDeliveredEvent("p"));
    }

    @Test
    void aStartAgainAfterARestoreDoesNotHoldBackAChildThatWasReleased() throws Exception {
        var harness = h.open(config());
        harness.processElement(ShardRecord.start("c", new String[] {"p"}), 0);
        operator(harness).handleOperatorEvent(new DeliveredShardsEvent(Set.of("p"), -1));
        harness.processElement(record("c", 0), 0);
        h.succeedUntil("the child's first delivered", () -> operator(harness).bufferedRecords() == 0);
        harness.processElement(record("c", 1), 0);
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);

        var restored = h.open(config(), checkpoint, new JobID(), null);
        restored.processElement(
                ShardRecord.start("c", new String[] {"p"}), 0); // the source says it again after a restore
        h.succeedUntil(
                "the child goes on without waiting", () -> operator(restored).bufferedRecords() == 0);
        assertThat(h.function.delivered().get("c")).containsExactly(1L);
    }

    @Test
    void statusListsEachShardsStateAndAResumeOfAllResumesOnlyTheSuspendedOnes() throws Exception {
        var harness = h.open(config().retryMaxAttempts(1).suspendProbeInterval(Duration.ZERO));
        harness.processElement(record("a", 0), 0);
        h.runMailsUntil("a's call", () -> h.function.held().size() == 1);
        h.function.held().get(0).fail("boom\n  at the function", "req-a");
        harness.processElement(ShardRecord.start("c", new String[] {"a"}), 0);
        harness.processElement(record("c", 0), 0);
        harness.processElement(record("b", 0), 0);
        h.succeedUntil(
                "b delivered, a suspended",
                () -> operator(harness).bufferedRecords() == 2
                        && operator(harness).stateOf("a") == 3);

        ShardStatus a = status(harness, "a");
        assertThat(a.state()).isEqualTo(ShardState.SUSPENDED);
        assertThat(a.lastError()).as("first line only").endsWith("boom");
        assertThat(a.lastRequestId()).isEqualTo("req-a");
        assertThat(a.consecutiveFailures()).isEqualTo(1);
        assertThat(a.lastErrorAtMillis()).isPositive();
        assertThat(status(harness, "b").state()).isEqualTo(ShardState.RUNNING);
        assertThat(status(harness, "b").deliveredSequence()).isZero();
        assertThat(status(harness, "c").state()).isEqualTo(ShardState.WAITING_FOR_PARENTS);

        operator(harness).handleOperatorEvent(new ResumeCommandEvent(7, "b"));
        ResumeReportEvent notSuspended = (ResumeReportEvent) last();
        assertThat(notSuspended.resumed()).isEmpty();
        assertThat(notSuspended.notSuspended()).isEqualTo(Map.of("b", ShardState.RUNNING));

        operator(harness).handleOperatorEvent(new ResumeCommandEvent(8, null));
        ResumeReportEvent all = (ResumeReportEvent) last();
        assertThat(all.requestId()).isEqualTo(8);
        assertThat(all.resumed()).containsExactly("a");
        h.succeedUntil(
                "a delivered after the resume", () -> h.function.delivered().containsKey("a"));
    }

    private ShardStatus status(
            org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness<ShardRecord, Void> harness,
            String shard) {
        operator(harness).handleOperatorEvent(new StatusQueryEvent(1));
        StatusReportEvent report = (StatusReportEvent) last();
        Map<String, ShardStatus> byShard =
                report.shards().stream().collect(Collectors.toMap(ShardStatus::shardId, s -> s));
        assertThat(byShard).containsKey(shard);
        return byShard.get(shard);
    }

    private Object last() {
        List<?> sent = h.coordinator.getEventsSent();
        return sent.get(sent.size() - 1);
    }
}
