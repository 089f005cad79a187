package io.datahubfcsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.event.BlobEncoding;
import io.datahubfcsync.event.EncodedEvent;
import io.datahubfcsync.event.EventEncoder;
import io.datahubfcsync.event.ShardRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.Test;

/** When a lane's next batch is due, on processing time the test moves: full, waited long enough, or input ended. */
class BatchingTest {
    private final TestProcessingTimeService time = new TestProcessingTimeService();
    private final List<DeliveryLane> due = new ArrayList<>();

    private Batching batching(int maxRecords, long maxBytes, Duration maxWait) {
        DeliveryConfig config = FcTestBed.config()
                .batchMaxRecords(maxRecords)
                .batchMaxBytes(maxBytes)
                .batchMaxWait(maxWait)
                .build();
        return new Batching(
                config, new EventEncoder("proj", "topic", "cn-hangzhou", BlobEncoding.UTF8), new LaneTimers(time));
    }

    private DeliveryLane laneWith(int records) {
        DeliveryLane lane = new DeliveryLane("0");
        for (int i = 0; i < records; i++) {
            lane.add(
                    ShardRecord.blob("0", i, 1_000 + i, ("r" + i).getBytes(StandardCharsets.UTF_8)),
                    time.getCurrentProcessingTime());
        }
        return lane;
    }

    @Test
    void aBatchIsFullAtBatchMaxRecordsOrAtBatchMaxBytesOfWaitingRecords() {
        Batching byRecords = batching(3, 1 << 20, Duration.ZERO);
        assertThat(byRecords.isFull(laneWith(2))).isFalse();
        assertThat(byRecords.isFull(laneWith(3))).isTrue();
        Batching byBytes = batching(1_000, 1_024, Duration.ZERO);
        DeliveryLane lane = new DeliveryLane("0");
        lane.add(ShardRecord.blob("0", 0, 1_000, new byte[600]), 0);
        assertThat(lane.waitingPayloadBytes).isLessThan(1_024);
        assertThat(byBytes.isFull(lane)).isFalse();
        lane.add(ShardRecord.blob("0", 1, 1_001, new byte[600]), 0);
        assertThat(byBytes.isFull(lane))
                .as("two records of 600 bytes reach 1 KiB")
                .isTrue();
    }

    @Test
    void withoutAMaxWaitAPartialBatchIsDueAtOnce() {
        DeliveryLane lane = laneWith(1);
        assertThat(batching(10, 1 << 20, Duration.ZERO).dueNow(lane, false, due::add))
                .isTrue();
        assertThat(time.getNumActiveTimers()).isZero();
    }

    private static ShardRecord record(long sequence, boolean readContinues) {
        ShardRecord r =
                ShardRecord.blob("0", sequence, 1_000 + sequence, ("r" + sequence).getBytes(StandardCharsets.UTF_8));
        r.readContinues = readContinues;
        return r;
    }

    @Test
    void aPartialBatchWhoseReadContinuesWaitsForTheReadsLastRecordThenIsDueAtOnce() {
        Batching batching = batching(10, 1 << 20, Duration.ZERO);
        DeliveryLane lane = new DeliveryLane("0");
        lane.add(record(0, true), 0);
        assertThat(batching.dueNow(lane, false, due::add))
                .as("the first record of a read does not go alone")
                .isFalse();
        assertThat(lane.phase).isEqualTo(DeliveryLane.Phase.WAITING_FOR_MORE);

        lane.add(record(1, true), 0);
        batching.recordAdded(lane);
        assertThat(lane.phase).isEqualTo(DeliveryLane.Phase.WAITING_FOR_MORE);

        lane.add(record(2, false), 0); // the read's last record
        batching.recordAdded(lane);
        assertThat(lane.phase).isEqualTo(DeliveryLane.Phase.IDLE);
        assertThat(batching.dueNow(lane, false, due::add)).isTrue();
        assertThat(due).as("the wait ended by the record, not by its timer").isEmpty();
    }

    @Test
    void aReadWhoseRestIsHeldUpGoesAfterTheBoundedWaitAndAFullBatchNeverWaits() throws Exception {
        time.setCurrentTime(5_000);
        Batching batching = batching(3, 1 << 20, Duration.ZERO);
        DeliveryLane lane = new DeliveryLane("0");
        lane.add(record(0, true), 5_000);
        assertThat(batching.dueNow(lane, false, due::add)).isFalse();
        assertThat(time.getActiveTimerTimestamps()).containsExactly(5_000 + Batching.REST_OF_READ_MAX_WAIT_MS);
        time.setCurrentTime(5_000 + Batching.REST_OF_READ_MAX_WAIT_MS);
        assertThat(due).containsExactly(lane);
        assertThat(lane.phase).isEqualTo(DeliveryLane.Phase.IDLE);
        assertThat(batching.dueNow(lane, false, due::add))
                .as("asked again by the timer: the batch goes without the rest")
                .isTrue();

        DeliveryLane full = new DeliveryLane("1");
        for (long s = 0; s < 3; s++) full.add(record(s, true), 5_000);
        assertThat(batching.dueNow(full, false, due::add)).isTrue();
    }

    @Test
    void aPartialBatchWaitsForMoreRecordsUntilMaxWaitSinceItsOldestRecord() throws Exception {
        time.setCurrentTime(10_000);
        DeliveryLane lane = laneWith(1);
        Batching batching = batching(10, 1 << 20, Duration.ofMillis(200));
        time.setCurrentTime(10_050);

        assertThat(batching.dueNow(lane, false, due::add)).isFalse();
        assertThat(lane.phase).isEqualTo(DeliveryLane.Phase.WAITING_FOR_MORE);
        assertThat(time.getActiveTimerTimestamps())
                .as("due 200 ms after the oldest record came")
                .containsExactly(10_200L);
        time.setCurrentTime(10_199);
        assertThat(due).isEmpty();
        time.setCurrentTime(10_200);
        assertThat(due).containsExactly(lane);
        assertThat(lane.phase).isEqualTo(DeliveryLane.Phase.IDLE);
    }

    @Test
    void aPartialBatchWhoseWaitHasPassedIsDueAtOnce() throws Exception {
        time.setCurrentTime(10_000);
        DeliveryLane lane = laneWith(1);
        time.setCurrentTime(10_300);
        assertThat(batching(10, 1 << 20, Duration.ofMillis(200)).dueNow(lane, false, due::add))
                .isTrue();
    }

    @Test
    void aBatchThatFillsUpWhileItWaitsStopsWaitingAndItsTimerDoesNothing() throws Exception {
        DeliveryLane lane = laneWith(2);
        Batching batching = batching(3, 1 << 20, Duration.ofMillis(200));
        assertThat(batching.dueNow(lane, false, due::add)).isFalse();

        lane.add(
                ShardRecord.blob("0", 2, 1_002, "r2".getBytes(StandardCharsets.UTF_8)),
                time.getCurrentProcessingTime());
        batching.recordAdded(lane);
        assertThat(lane.phase).isEqualTo(DeliveryLane.Phase.IDLE);
        time.advance(1_000);
        assertThat(due).as("the superseded timer is a no-op").isEmpty();
    }

    @Test
    void whenTheInputEndsAPartialBatchNoLongerWaits() throws Exception {
        DeliveryLane lane = laneWith(1);
        Batching batching = batching(10, 1 << 20, Duration.ofMillis(200));
        assertThat(batching.dueNow(lane, true, due::add))
                .as("at the end of input")
                .isTrue();
        assertThat(batching.dueNow(lane, false, due::add)).isFalse();

        batching.inputEnded(lane);
        assertThat(lane.phase).isEqualTo(DeliveryLane.Phase.IDLE);
        time.advance(1_000);
        assertThat(due).isEmpty();
    }

    @Test
    void aBatchIsCutToBatchMaxRecordsAndARestoredOneToExactlyTheRecordsItHeld() throws Exception {
        DeliveryLane lane = laneWith(5);
        Batching batching = batching(3, 1 << 20, Duration.ZERO);
        EncodedEvent cut = batching.cut(lane);
        assertThat(cut.recordCount()).isEqualTo(3);
        assertThat(cut.firstSequence()).isZero();
        assertThat(cut.lastSequence()).isEqualTo(2);
        assertThat(batching.recut(lane, 2).recordCount()).isEqualTo(2);
    }
}
