package io.datahubfcsync.source.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.datahub.PositionOutOfRangeException;
import io.datahubfcsync.datahub.ShardCursor;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.LostRecordsException;
import io.datahubfcsync.source.config.OnExpiredPosition;
import io.datahubfcsync.source.testing.FakeDataHubClient;
import org.junit.jupiter.api.Test;

/** What a reader does with a position whose records expired: fail naming the loss, or count it and go on. */
class ExpiredPositionsTest {
    private final FakeDataHubClient hub = new FakeDataHubClient();
    private final ReaderCounters counters = ReaderCounters.unregistered();

    private ExpiredPositions under(OnExpiredPosition onExpired) {
        DataHubSourceConfig config = DataHubSourceConfig.builder()
                .project("p")
                .topic("t")
                .clientFactory(() -> hub)
                .onExpiredPosition(onExpired)
                .build();
        return new ExpiredPositions(hub, config, counters);
    }

    @Test
    void aRetainedSequenceIsSoughtAsItIsAndNothingIsCounted() {
        hub.shard("0").appendMany(10, 1_000).expireBefore(3);
        ShardCursor cursor = under(OnExpiredPosition.FAIL).seekSequence("0", 5, "resuming");
        assertThat(cursor.sequence()).isEqualTo(5);
        assertThat(counters.expiredPositionResets()).isZero();
    }

    @Test
    void underFailAnExpiredSequenceFailsNamingTheShardTheLostRangeAndTheOldestRetainedOne() {
        hub.shard("0").appendMany(10, 1_000).expireBefore(7);
        assertThatThrownBy(() -> under(OnExpiredPosition.FAIL).seekSequence("0", 2, "resuming from a checkpoint"))
                .isInstanceOf(LostRecordsException.class)
                .hasMessageContaining("shard 0 in DataHub project p topic t")
                .hasMessageContaining("sequences 2..6 (5 records)")
                .hasMessageContaining("resuming from a checkpoint")
                .hasMessageContaining("the oldest retained sequence is 7");
        assertThat(counters.expiredRecordsSkipped()).isZero();
    }

    @Test
    void underOldestAnExpiredSequenceGoesOnFromTheOldestRetainedRecordAndCountsWhatWasSkipped() {
        hub.shard("0").appendMany(10, 1_000).expireBefore(7);
        ShardCursor cursor = under(OnExpiredPosition.OLDEST).seekSequence("0", 2, "resuming");
        assertThat(cursor.sequence()).isEqualTo(7);
        assertThat(counters.expiredPositionResets()).isEqualTo(1);
        assertThat(counters.expiredRecordsSkipped()).isEqualTo(5);
    }

    @Test
    void aSequenceBeyondTheShardsEndIsNotTakenForAnExpiredOne() {
        hub.shard("0").appendMany(3, 1_000);
        assertThatThrownBy(() -> under(OnExpiredPosition.OLDEST).seekSequence("0", 9, "resuming"))
                .isInstanceOf(PositionOutOfRangeException.class);
        assertThat(counters.expiredPositionResets()).isZero();
    }

    @Test
    void aShardDeletedWithItsRecordsIsALossOfEveryRecordFromTheFirstUnreadOn() {
        assertThatThrownBy(() -> under(OnExpiredPosition.FAIL).lostWithShard("4", 12, 30, "while waiting"))
                .isInstanceOf(LostRecordsException.class)
                .hasMessageContaining("every record from sequence 12 on (the shard no longer exists)");
        under(OnExpiredPosition.OLDEST).lostWithShard("4", 12, 30, "while waiting");
        assertThat(counters.expiredRecordsSkipped())
                .as("the records known to have existed")
                .isEqualTo(30);
    }
}
