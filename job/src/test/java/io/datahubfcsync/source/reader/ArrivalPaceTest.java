package io.datahubfcsync.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.event.ShardRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pace a shard is polled at after an empty read, learnt from its records' system times. */
class ArrivalPaceTest {
    private static final long IDLE_MAX = 300;
    private long sequence;

    private List<ShardRecord> recordAt(long systemTime) {
        return List.of(ShardRecord.tuple("0", sequence++, systemTime, new String[] {"x"}));
    }

    @Test
    void aShardThatWasNeverSeenWithTwoRecordsIsLeftToTheIdleBackOff() {
        ArrivalPace pace = new ArrivalPace(IDLE_MAX);
        assertThat(pace.pauseAfterEmptyMs(0)).isEqualTo(-1);
        pace.read(recordAt(1_000), 1_000);
        assertThat(pace.pauseAfterEmptyMs(1_001)).isEqualTo(-1);
    }

    @Test
    void aShardWithARecordEvery100MsIsPolledWhenItsNextRecordIsDue() {
        ArrivalPace pace = new ArrivalPace(IDLE_MAX);
        for (long t = 0; t <= 1_000; t += 100) pace.read(recordAt(t), t + 5);
        assertThat(pace.intervalMs()).isEqualTo(100.0);
        assertThat(pace.pauseAfterEmptyMs(1_006))
                .as("read again at once after data, found nothing")
                .isEqualTo(99);
        assertThat(pace.pauseAfterEmptyMs(1_110))
                .as("the record is late: a quarter of the interval")
                .isEqualTo(25);
    }

    @Test
    void aShardWithNothingForThreeIntervalsIsIdleAgain() {
        ArrivalPace pace = new ArrivalPace(IDLE_MAX);
        for (long t = 0; t <= 1_000; t += 50) pace.read(recordAt(t), t);
        assertThat(pace.pauseAfterEmptyMs(1_150)).isPositive();
        assertThat(pace.pauseAfterEmptyMs(1_000 + 3 * 50 + ArrivalPace.MIN_POLL_MS + 1))
                .isEqualTo(-1);
    }

    @Test
    void aShardWhoseRecordsComeSlowerThanTheIdleBackOffIsLeftToIt() {
        ArrivalPace pace = new ArrivalPace(IDLE_MAX);
        for (long t = 0; t <= 5_000; t += 1_000) pace.read(recordAt(t), t);
        assertThat(pace.pauseAfterEmptyMs(5_001)).isEqualTo(-1);
    }

    @Test
    void aBusyShardIsNeverPolledFasterThanTheShortestPause() {
        ArrivalPace pace = new ArrivalPace(IDLE_MAX);
        for (long t = 0; t <= 100; t++) pace.read(recordAt(t), t);
        assertThat(pace.pauseAfterEmptyMs(100)).isEqualTo(ArrivalPace.MIN_POLL_MS);
    }

    @Test
    void aCaughtUpShardIsReadAgainWhenItsNextRecordIsDueAndAFullReadAtOnce() {
        ArrivalPace pace = new ArrivalPace(IDLE_MAX);
        assertThat(pace.pauseAfterDataMs(1, 100)).as("pace unknown").isZero();
        for (long t = 0; t <= 1_000; t += 100) pace.read(recordAt(t), t);
        assertThat(pace.pauseAfterDataMs(1, 100)).isEqualTo(100);
        assertThat(pace.pauseAfterDataMs(100, 100))
                .as("a full read: more are waiting")
                .isZero();
    }
}
