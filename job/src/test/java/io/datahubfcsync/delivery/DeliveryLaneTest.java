package io.datahubfcsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.delivery.control.ShardState;
import io.datahubfcsync.event.BlobEncoding;
import io.datahubfcsync.event.EncodedEvent;
import io.datahubfcsync.event.EventEncoder;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.metrics.ShardDeliveryMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One shard's delivery states on their own (the operator drives them): delivering, retrying,
 * waiting for parents, suspended, exhausted and ended, what a lane may do in each, and what a
 * checkpoint keeps of it.
 */
class DeliveryLaneTest {
    private static final EventEncoder ENCODER = new EventEncoder("p", "t", "cn-hangzhou", BlobEncoding.UTF8);

    private static ShardRecord record(long sequence) {
        return ShardRecord.blob("0", sequence, 1_000 + sequence, ("r" + sequence).getBytes(StandardCharsets.UTF_8));
    }

    private static DeliveryLane laneWith(long... sequences) {
        DeliveryLane lane = new DeliveryLane("0");
        for (long s : sequences) lane.add(record(s), 0);
        return lane;
    }

    /** Cuts a batch of the first {@code n} pending records and marks it as on the wire. */
    private static EncodedEvent startBatch(DeliveryLane lane, int n) throws Exception {
        EncodedEvent event = ENCODER.encode(lane.pending, n, Long.MAX_VALUE);
        lane.batchStarted(event);
        lane.phase = DeliveryLane.Phase.INVOKING;
        return event;
    }

    @Test
    void aNewLaneIsRunningCanMoveAndHasDeliveredNothing() {
        DeliveryLane lane = new DeliveryLane("0");
        assertThat(lane.statusState()).isEqualTo(ShardState.RUNNING);
        assertThat(lane.canMove()).isTrue();
        assertThat(lane.deliveredSequence()).isEqualTo(-1);
        assertThat(lane.state()).isEqualTo(ShardDeliveryMetrics.STATE_RUNNING);
        assertThat(lane.deliveredToEnd()).isFalse();
    }

    @Test
    void aBatchCutFromThePendingRecordsLeavesTheRestWaitingAndOnceDoneItsLastSequenceIsDelivered() throws Exception {
        DeliveryLane lane = laneWith(0, 1, 2, 3, 4);
        assertThat(lane.waitingRecords()).isEqualTo(5);
        startBatch(lane, 3);
        assertThat(lane.waitingRecords()).isEqualTo(2);
        assertThat(lane.pendingRecords())
                .as("the batch stays pending until it is done")
                .isEqualTo(5);

        List<ShardRecord> done = lane.batchDone();
        assertThat(done).extracting(r -> r.sequence).containsExactly(0L, 1L, 2L);
        assertThat(lane.deliveredSequence()).isEqualTo(2);
        assertThat(lane.pendingRecords()).isEqualTo(2);
        assertThat(lane.phase).isEqualTo(DeliveryLane.Phase.IDLE);
        assertThat(lane.inFlight).isNull();
    }

    @Test
    void aLaneDrainedAfterABacklogGivesUpItsLargeQueueAndOneDrainedAfterAFewRecordsKeepsIt() throws Exception {
        DeliveryLane lane = new DeliveryLane("0");
        int backlog = DeliveryLane.TRIM_ABOVE + 1;
        for (long s = 0; s < backlog; s++) lane.add(record(s), 0);
        ArrayDeque<ShardRecord> grown = lane.pending;
        startBatch(lane, backlog);
        lane.batchDone();
        assertThat(lane.pending).isEmpty();
        assertThat(lane.pending).as("a fresh, small queue").isNotSameAs(grown);

        ArrayDeque<ShardRecord> small = lane.pending;
        for (long s = backlog; s < backlog + 3; s++) lane.add(record(s), 0);
        startBatch(lane, 3);
        lane.batchDone();
        assertThat(lane.pending).isSameAs(small);
        assertThat(lane.deliveredSequence()).isEqualTo(backlog + 2);
    }

    @Test
    void aFailedAttemptMakesTheLaneRetryingUntilItsBatchIsDoneWhichClearsTheFailure() throws Exception {
        DeliveryLane lane = laneWith(0, 1);
        startBatch(lane, 2);
        lane.attemptFailed("boom", "req-1");
        lane.retryIn(1_000);
        assertThat(lane.statusState()).isEqualTo(ShardState.RETRYING);
        assertThat(lane.state()).isEqualTo(ShardDeliveryMetrics.STATE_RETRYING);
        assertThat(lane.retryDelayMs()).isEqualTo(1_000);
        assertThat(lane.consecutiveFailures()).isEqualTo(1);
        assertThat(lane.canMove())
                .as("a lane waiting to retry lets records go instead of holding up the subtask")
                .isFalse();

        lane.phase = DeliveryLane.Phase.INVOKING;
        assertThat(lane.statusState())
                .as("re-sending after a failure is still retrying")
                .isEqualTo(ShardState.RETRYING);
        assertThat(lane.canMove())
                .as("a retry on the wire is as stuck as one waiting: records arriving meanwhile keep to the budget")
                .isFalse();

        lane.batchDone();
        assertThat(lane.statusState()).isEqualTo(ShardState.RUNNING);
        assertThat(lane.state()).isEqualTo(ShardDeliveryMetrics.STATE_RUNNING);
        assertThat(lane.failedAttempts).isZero();
        assertThat(lane.consecutiveFailures()).isZero();
        assertThat(lane.retryDelayMs()).isZero();
        assertThat(lane.lastError).isNull();
    }

    @Test
    void aChildWaitingForItsParentsCannotMoveUntilTheyAreDelivered() {
        DeliveryLane lane = laneWith(0);
        lane.parents = List.of("1");
        lane.parentsDelivered = false;
        assertThat(lane.statusState()).isEqualTo(ShardState.WAITING_FOR_PARENTS);
        assertThat(lane.canMove()).isFalse();
        lane.parentsDelivered = true;
        assertThat(lane.statusState()).isEqualTo(ShardState.RUNNING);
        assertThat(lane.canMove()).isTrue();
    }

    @Test
    void aSuspendedLaneKeepsItsBatchShowsSuspendedAndCannotMove() throws Exception {
        DeliveryLane lane = laneWith(0, 1);
        startBatch(lane, 2);
        lane.attemptFailed("boom", null);
        lane.retryIn(500);
        lane.suspended();
        assertThat(lane.statusState()).isEqualTo(ShardState.SUSPENDED);
        assertThat(lane.state()).isEqualTo(ShardDeliveryMetrics.STATE_SUSPENDED);
        assertThat(lane.retryDelayMs())
                .as("no retry is scheduled while suspended")
                .isZero();
        assertThat(lane.canMove()).isFalse();
        assertThat(lane.inFlight).isNotNull();
        assertThat(lane.snapshot("run").inFlightRecords)
                .as("the kept batch is in the checkpoint")
                .isEqualTo(2);
    }

    @Test
    void anExhaustedOrDeadLetteringLaneShowsExhaustedAndCannotMove() {
        for (DeliveryLane.Phase next : List.of(DeliveryLane.Phase.EXHAUSTED, DeliveryLane.Phase.DEAD_LETTERING)) {
            DeliveryLane lane = laneWith(0);
            lane.exhausted(next);
            assertThat(lane.statusState()).as("%s", next).isEqualTo(ShardState.EXHAUSTED);
            assertThat(lane.state()).isEqualTo(ShardDeliveryMetrics.STATE_EXHAUSTED);
            assertThat(lane.canMove()).isFalse();
        }
    }

    @Test
    void aLaneHasEndedOnlyOnceItsEndWasSeenAndEveryRecordUpToItWasDelivered() throws Exception {
        DeliveryLane lane = laneWith(0, 1);
        lane.endSequence = 1;
        assertThat(lane.deliveredToEnd()).isFalse();
        startBatch(lane, 1);
        lane.batchDone();
        assertThat(lane.deliveredToEnd()).as("1 is still pending").isFalse();
        startBatch(lane, 1);
        lane.batchDone();
        assertThat(lane.deliveredToEnd()).isTrue();
        assertThat(lane.statusState()).isEqualTo(ShardState.FINISHED);
    }

    @Test
    void aShardThatEndedWithoutRecordsHasEndedAtOnceButNotWhileAGapIsOpen() {
        DeliveryLane lane = new DeliveryLane("0");
        lane.endSequence = -1;
        assertThat(lane.deliveredToEnd()).isTrue();
        lane.letGo(record(0));
        assertThat(lane.deliveredToEnd()).isFalse();
    }

    @Test
    void recordsLetGoOverTheBudgetOpenAGapThatTheReReadClosesIgnoringOlderRecords() {
        DeliveryLane lane = laneWith(0);
        lane.letGo(record(1));
        lane.letGo(record(2));
        lane.letGo(record(3));
        assertThat(lane.hasGap()).isTrue();
        assertThat(lane.highestSequence())
                .as("replays up to the gap's end are dropped")
                .isEqualTo(3);
        assertThat(lane.oldestUndeliveredTime()).isEqualTo(1_000);

        assertThat(lane.caughtUp(List.of(record(0), record(1), record(2)), 0)).isEqualTo(2);
        assertThat(lane.hasGap()).isTrue();
        assertThat(lane.caughtUp(List.of(record(3)), 0)).isEqualTo(1);
        assertThat(lane.hasGap()).isFalse();
        assertThat(lane.pending).extracting(r -> r.sequence).containsExactly(0L, 1L, 2L, 3L);
        assertThat(lane.highestSequence()).isEqualTo(3);
    }

    @Test
    void aReReadThatSkipsExpiredRecordsMovesTheGapOnAndClosesItPastItsEnd() {
        DeliveryLane lane = new DeliveryLane("0");
        lane.letGo(record(5));
        lane.letGo(record(9));
        lane.skippedTo(7);
        assertThat(lane.gapFrom).isEqualTo(7);
        lane.skippedTo(6);
        assertThat(lane.gapFrom).as("a skip never moves the gap back").isEqualTo(7);
        lane.skippedTo(10);
        assertThat(lane.hasGap()).isFalse();
    }

    @Test
    void aRetryOnTheWireCountsAsSpentInTheCheckpointButAFirstAttemptDoesNot() throws Exception {
        DeliveryLane lane = laneWith(0, 1);
        startBatch(lane, 2);
        assertThat(lane.snapshot("run").failedAttempts)
                .as("first attempt on the wire")
                .isZero();
        lane.attemptFailed("boom", "req-1");
        lane.retryIn(1_000);
        assertThat(lane.snapshot("run").failedAttempts).isEqualTo(1);
        lane.phase = DeliveryLane.Phase.INVOKING;
        assertThat(lane.snapshot("run").failedAttempts)
                .as("after a failover the function may have seen it")
                .isEqualTo(2);
    }

    @Test
    void aBatchThatIsOnlyCutIsNotInTheCheckpointAsInFlight() throws Exception {
        DeliveryLane lane = laneWith(0, 1, 2);
        lane.batchStarted(ENCODER.encode(lane.pending, 2, Long.MAX_VALUE));
        lane.phase = DeliveryLane.Phase.WAITING_FOR_MORE;
        assertThat(lane.snapshot("run").inFlightRecords).isZero();
        lane.phase = DeliveryLane.Phase.WAITING_TO_RETRY;
        assertThat(lane.snapshot("run").inFlightRecords).isEqualTo(2);
    }

    @Test
    void aRestoredLaneHoldsWhatItsCheckpointHeldAndShowsTheAttemptsSpent() throws Exception {
        DeliveryLane lane = laneWith(0, 1, 2, 3);
        startBatch(lane, 2);
        lane.batchDone();
        startBatch(lane, 1);
        lane.attemptFailed("HTTP 503", "req-7");
        lane.retryIn(1_000);
        lane.letGo(record(4));
        lane.endSequence = 9;
        lane.parents = List.of("p");

        DeliveryLane back = DeliveryLane.restore("0", lane.snapshot("run-1"));
        assertThat(back.restoredRunId).isEqualTo("run-1");
        assertThat(back.deliveredSequence()).isEqualTo(1);
        assertThat(back.pending).extracting(r -> r.sequence).containsExactly(2L, 3L);
        assertThat(back.pendingRecords()).isEqualTo(2);
        assertThat(back.failedAttempts).isEqualTo(1);
        assertThat(back.state()).isEqualTo(ShardDeliveryMetrics.STATE_RETRYING);
        assertThat(back.lastError).isEqualTo("HTTP 503");
        assertThat(back.lastRequestId).isEqualTo("req-7");
        assertThat(back.gapFrom).isEqualTo(4);
        assertThat(back.gapTo).isEqualTo(4);
        assertThat(back.endSequence).isEqualTo(9);
        assertThat(back.parents).containsExactly("p");
        assertThat(back.heldBytes)
                .as("held bytes are counted again from the pending records")
                .isEqualTo(laneWith(2, 3).heldBytes);

        back.forgetFailedAttempts();
        assertThat(back.failedAttempts).isZero();
        assertThat(back.state()).isEqualTo(ShardDeliveryMetrics.STATE_RUNNING);
        assertThat(back.lastError).as("the last error stays for the log").isEqualTo("HTTP 503");
    }

    @Test
    void aBatchGivenUpAsSentIsCutAgainFromEveryPendingRecord() throws Exception {
        DeliveryLane lane = laneWith(0, 1, 2);
        startBatch(lane, 2);
        long allWaiting = laneWith(0, 1, 2).waitingPayloadBytes;
        assertThat(lane.waitingPayloadBytes).isLessThan(allWaiting);
        lane.uncutBatch();
        assertThat(lane.inFlight).isNull();
        assertThat(lane.phase).isEqualTo(DeliveryLane.Phase.IDLE);
        assertThat(lane.waitingRecords()).isEqualTo(3);
        assertThat(lane.waitingPayloadBytes).isEqualTo(allWaiting);
    }

    @Test
    void theLagIsTheSpanFromTheOldestUndeliveredRecordToTheNewestDataHubHolds() {
        DeliveryLane lane = new DeliveryLane("0");
        assertThat(lane.millisBehindLatest()).as("nothing known yet").isZero();
        ShardRecord oldest = record(0);
        oldest.shardLatestTime = 5_000;
        lane.add(oldest, 0);
        assertThat(lane.millisBehindLatest()).isEqualTo(5_000 - 1_000);
    }
}
