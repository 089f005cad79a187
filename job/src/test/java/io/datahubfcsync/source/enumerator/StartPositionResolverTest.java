package io.datahubfcsync.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.source.config.ResolvedStart;
import io.datahubfcsync.source.config.StartPosition;
import io.datahubfcsync.source.testing.FakeDataHubClient;
import org.junit.jupiter.api.Test;

/** How the job's {@code start} becomes a concrete position per shard, against each kind of shard. */
class StartPositionResolverTest {
    private final FakeDataHubClient hub = new FakeDataHubClient();

    private CursorPosition resolved(StartPosition start, String shardId) {
        return StartPositionResolver.resolve(hub, start).positions().get(shardId);
    }

    @Test
    void oldestBecomesTheOldestRetainedSequenceSoRecordsExpiringLaterAreNoticed() {
        hub.shard("0").appendMany(10, 1_000).expireBefore(4);
        assertThat(resolved(StartPosition.oldest(), "0")).isEqualTo(CursorPosition.sequence(4));
    }

    @Test
    void latestBecomesTheSequenceAfterTheNewestRecordSoThatRecordIsNotReadAgain() {
        hub.shard("0").appendMany(5, 1_000);
        assertThat(resolved(StartPosition.latest(), "0")).isEqualTo(CursorPosition.sequence(5));
    }

    @Test
    void latestOnAnEmptyShardIsTheSequenceItsFirstRecordWillCarry() {
        hub.shard("0");
        assertThat(resolved(StartPosition.latest(), "0")).isEqualTo(CursorPosition.sequence(0));
    }

    @Test
    void latestOnAClosedShardWhoseRecordsAllExpiredIsItsEnd() {
        hub.shard("0").appendMany(5, 1_000).expireBefore(5).close();
        assertThat(resolved(StartPosition.latest(), "0")).isEqualTo(CursorPosition.sequence(5));
    }

    @Test
    void aTimestampBecomesTheSequenceOfTheFirstRecordAtOrAfterIt() {
        hub.shard("0").appendMany(10, 1_000); // times 1000..1009
        assertThat(resolved(StartPosition.timestamp(1_004), "0")).isEqualTo(CursorPosition.sequence(4));
        assertThat(resolved(StartPosition.timestamp(500), "0")).isEqualTo(CursorPosition.sequence(0));
    }

    @Test
    void aTimestampAfterEveryRecordButInDataHubsPastBecomesTheSequenceAfterTheNewest() {
        hub.shard("0").appendMany(3, 1_000);
        hub.dataHubNowMs = 10_000;
        assertThat(resolved(StartPosition.timestamp(5_000), "0")).isEqualTo(CursorPosition.sequence(3));
    }

    @Test
    void aTimestampDataHubsClockHasNotReachedStaysATimeToResolveWhenTheShardIsRead() {
        hub.shard("0").appendMany(3, 1_000);
        hub.dataHubNowMs = 2_000;
        assertThat(resolved(StartPosition.timestamp(9_000), "0")).isEqualTo(CursorPosition.systemTime(9_000));
    }

    @Test
    void everyListedShardIsResolvedOnceAndTheResultNamesTheStartAndWhenItWasResolved() {
        hub.shard("0").appendMany(3, 1_000);
        hub.shard("1").appendMany(7, 1_000).expireBefore(2);
        hub.shard("2", "0");
        long before = System.currentTimeMillis();
        ResolvedStart start = StartPositionResolver.resolve(hub, StartPosition.oldest());
        assertThat(start.positions()).containsOnlyKeys("0", "1", "2").containsEntry("1", CursorPosition.sequence(2));
        assertThat(start.start()).isEqualTo(StartPosition.oldest());
        assertThat(start.resolvedAtMs()).isBetween(before, System.currentTimeMillis());
        assertThat(hub.cursorCalls.get()).as("one cursor per shard").isEqualTo(3);
    }
}
