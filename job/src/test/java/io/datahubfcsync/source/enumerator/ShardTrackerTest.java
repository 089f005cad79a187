package io.datahubfcsync.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.ShardInfo;
import io.datahubfcsync.source.split.ShardSplit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The enumerator's lineage bookkeeping on its own: when a child may be read, what a listing that no
 * longer holds a shard means, and that a snapshot restores to a tracker that decides the same.
 */
class ShardTrackerTest {
    private static final Map<String, CursorPosition> NO_RESOLUTION = Map.of();

    private static ShardInfo shard(String id, String... parents) {
        return new ShardInfo(id, ShardInfo.State.ACTIVE, Arrays.asList(parents), "0", "F");
    }

    private static ShardSplit split(String id, String... parents) {
        return new ShardSplit(id, Arrays.asList(parents), "0", "F", CursorPosition.sequence(0), false);
    }

    private static ShardTracker fresh() {
        return new ShardTracker(EnumeratorState.initial());
    }

    private static List<String> ready(ShardTracker tracker) {
        return tracker.readyToAssign().stream().map(ShardSplit::shardId).toList();
    }

    private static ShardTracker restored(ShardTracker tracker) {
        return new ShardTracker(tracker.snapshot());
    }

    @Test
    void aListingThatRacesAheadOfTheStartResolutionChangesNothing() {
        ShardTracker tracker = fresh();
        ShardTracker.ListingChanges changes = tracker.onShardsListed(List.of(shard("0")), null);
        assertThat(changes.added()).isEmpty();
        assertThat(tracker.startResolved()).isFalse();
        assertThat(tracker.pendingCount()).isZero();
        assertThat(ready(tracker)).isEmpty();
    }

    @Test
    void atTheFirstStartShardsBeginAtTheResolvedPositionAndShardsTheResolutionDidNotKnowAtTheirFirstRecord() {
        ShardTracker tracker = fresh();
        ShardTracker.ListingChanges changes =
                tracker.onShardsListed(List.of(shard("0"), shard("1")), Map.of("0", CursorPosition.sequence(42)));
        assertThat(changes.added()).containsExactly("0", "1");
        assertThat(tracker.startResolved()).isTrue();
        assertThat(tracker.readyToAssign())
                .extracting(ShardSplit::shardId, ShardSplit::position)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("0", CursorPosition.sequence(42)),
                        org.assertj.core.groups.Tuple.tuple("1", ShardTracker.FIRST_RECORD));
    }

    @Test
    void shardsListedAfterTheStartWasResolvedBeginAtTheirFirstRecordWhateverPositionsComeWithTheListing() {
        ShardTracker tracker = fresh();
        tracker.onShardsListed(List.of(shard("0")), NO_RESOLUTION);
        ShardTracker.ListingChanges changes =
                tracker.onShardsListed(List.of(shard("0"), shard("7")), Map.of("7", CursorPosition.sequence(99)));
        assertThat(changes.added())
                .as("a shard already known is not added again")
                .containsExactly("7");
        assertThat(tracker.readyToAssign())
                .filteredOn(s -> s.shardId().equals("7"))
                .singleElement()
                .extracting(ShardSplit::position)
                .isEqualTo(ShardTracker.FIRST_RECORD);
    }

    @Test
    void nothingIsReadyBeforeTheFirstListingOfARunEvenAfterARestoreThatResolvedTheStart() {
        ShardTracker tracker = new ShardTracker(new EnumeratorState(true, Set.of(), List.of(split("3")), Map.of()));
        assertThat(tracker.pendingCount()).isEqualTo(1);
        assertThat(ready(tracker))
                .as("before a listing, not listed would wrongly look like gone")
                .isEmpty();
        tracker.onShardsListed(List.of(shard("3")), null);
        assertThat(ready(tracker)).containsExactly("3");
    }

    @Test
    void aMergedChildIsReadyOnlyOnceEachOfItsParentsIsFinished() {
        ShardTracker tracker = fresh();
        tracker.onShardsListed(List.of(shard("0"), shard("1"), shard("2", "0", "1")), NO_RESOLUTION);
        assertThat(ready(tracker)).containsExactly("0", "1");
        tracker.markAssigned("0", 0);
        tracker.markAssigned("1", 1);
        assertThat(ready(tracker)).isEmpty();

        tracker.onShardsFinished(List.of("0"));
        assertThat(ready(tracker)).as("parent 1 is still being read").isEmpty();
        tracker.onShardsFinished(List.of("1"));
        assertThat(ready(tracker)).containsExactly("2");
    }

    @Test
    void aParentGoneFromTheListingCountsAsDoneUnlessItIsStillBeingRead() {
        ShardTracker tracker = new ShardTracker(new EnumeratorState(true, Set.of(), List.of(), Map.of("4", 1)));
        tracker.onShardsListed(List.of(shard("5", "4"), shard("6", "9")), NO_RESOLUTION);
        assertThat(ready(tracker))
                .as("9 expired unread and is known nowhere; 4 is being read on subtask 1")
                .containsExactly("6");
        tracker.onShardsFinished(List.of("4"));
        assertThat(ready(tracker)).containsExactly("5", "6");
    }

    @Test
    void aPendingShardDataHubNoLongerListsVanishesAndNoLongerHoldsItsChildBack() {
        ShardTracker tracker = new ShardTracker(new EnumeratorState(true, Set.of(), List.of(split("4")), Map.of()));
        ShardTracker.ListingChanges changes = tracker.onShardsListed(List.of(shard("5", "4")), NO_RESOLUTION);
        assertThat(changes.vanished())
                .as("4 was deleted with its data before this job read it")
                .extracting(ShardSplit::shardId)
                .containsExactly("4");
        assertThat(tracker.pendingCount()).as("only the child is left pending").isEqualTo(1);
        assertThat(ready(tracker))
                .as("once dropped, the vanished parent no longer holds its child back")
                .containsExactly("5");
    }

    @Test
    void aPendingShardDataHubStillListsDoesNotVanish() {
        ShardTracker tracker = fresh();
        tracker.onShardsListed(List.of(shard("0"), shard("1")), NO_RESOLUTION);
        ShardTracker.ListingChanges changes = tracker.onShardsListed(List.of(shard("0"), shard("1")), null);
        assertThat(changes.vanished()).isEmpty();
        assertThat(changes.added()).isEmpty();
        assertThat(tracker.pendingCount()).isEqualTo(2);
    }

    @Test
    void aFinishedShardIsForgottenOnceNeitherItNorAChildOfItIsListed() {
        ShardTracker tracker = fresh();
        tracker.onShardsListed(List.of(shard("0"), shard("2", "0")), NO_RESOLUTION);
        tracker.markAssigned("0", 0);
        tracker.onShardsFinished(List.of("0"));

        tracker.onShardsListed(List.of(shard("2", "0")), null);
        assertThat(tracker.snapshot().finishedShardIds())
                .as("0 expired but its child 2 is still listed")
                .contains("0");
        assertThat(tracker.awaitedParents(split("2", "0"))).containsExactly("0");

        tracker.onShardsListed(List.of(shard("8")), null);
        assertThat(tracker.snapshot().finishedShardIds()).doesNotContain("0");
    }

    @Test
    void aChildAwaitsOnlyTheParentsThisJobReadToTheirEndWithAMarker() {
        ShardTracker tracker = fresh();
        tracker.onShardsListed(List.of(shard("0"), shard("1"), shard("2", "0", "1", "9")), NO_RESOLUTION);
        tracker.markAssigned("0", 0);
        tracker.markAssigned("1", 1);
        tracker.onShardsFinished(List.of("0"));
        tracker.onShardsFinished(List.of("1"), Set.of("1"));
        assertThat(tracker.awaitedParents(split("2", "0", "1", "9")))
                .as("1 finished without an END marker, 9 expired unread")
                .containsExactly("0");
    }

    @Test
    void aParentReportedAgainWithItsMarkerIsAwaitedAfterAll() {
        ShardTracker tracker = fresh();
        tracker.onShardsListed(List.of(shard("1"), shard("2", "1")), NO_RESOLUTION);
        tracker.onShardsFinished(List.of("1"), Set.of("1"));
        assertThat(tracker.awaitedParents(split("2", "1"))).isEmpty();
        tracker.onShardsFinished(List.of("1"));
        assertThat(tracker.awaitedParents(split("2", "1"))).containsExactly("1");
    }

    @Test
    void aParentAlreadyFinishedWithItsMarkerKeepsItWhenReportedAgainWithoutOne() {
        ShardTracker tracker = fresh();
        tracker.onShardsListed(List.of(shard("1"), shard("2", "1")), NO_RESOLUTION);
        tracker.onShardsFinished(List.of("1"));
        tracker.onShardsFinished(List.of("1"), Set.of("1"));
        assertThat(tracker.awaitedParents(split("2", "1"))).containsExactly("1");
    }

    @Test
    void aSplitHandedOutBeforeKeepsTheParentsItAwaitedEvenWhenTheTrackerNoLongerKnowsThem() {
        ShardTracker tracker = fresh();
        ShardSplit handedOut = new ShardSplit(
                "3", List.of("0", "1"), "0", "F", CursorPosition.sequence(5), false, List.of("1"), 4, false);
        assertThat(tracker.awaitedParents(handedOut)).containsExactly("1");
    }

    @Test
    void finishingReportsOnlyTheShardsThatWereNotFinishedBefore() {
        ShardTracker tracker = fresh();
        tracker.onShardsListed(List.of(shard("0"), shard("1")), NO_RESOLUTION);
        assertThat(tracker.onShardsFinished(List.of("0"))).containsExactly("0");
        assertThat(tracker.onShardsFinished(List.of("0", "1"))).containsExactly("1");
        assertThat(tracker.pendingCount()).isZero();
    }

    @Test
    void splitsAFailedReaderHadComeBackPendingWithTheirPositionsUnlessTheyFinishedMeanwhile() {
        ShardTracker tracker = fresh();
        tracker.onShardsListed(List.of(shard("0"), shard("1")), NO_RESOLUTION);
        tracker.markAssigned("0", 0);
        tracker.markAssigned("1", 0);
        tracker.onShardsFinished(List.of("1"));
        ShardSplit zero = split("0").withPosition(CursorPosition.sequence(17));
        tracker.onSplitsReturned(List.of(zero, split("1")));
        assertThat(tracker.assignedCount()).isZero();
        assertThat(tracker.readyToAssign()).containsExactly(zero);
    }

    @Test
    void aReaderThatReportsItsShardsAfterARestoreHoldsThemButNotTheFinishedOnes() {
        ShardTracker tracker =
                new ShardTracker(new EnumeratorState(true, Set.of("2"), List.of(split("0"), split("1")), Map.of()));
        tracker.onReaderHolds(1, List.of("0", "2"));
        assertThat(tracker.loadBySubtask()).containsExactly(Map.entry(1, 1));
        assertThat(tracker.snapshot().assignedShards()).containsExactly(Map.entry("0", 1));
        assertThat(tracker.snapshot().pendingSplits())
                .extracting(ShardSplit::shardId)
                .containsExactly("1");
    }

    @Test
    void theLoadPerSubtaskCountsTheOpenShardsAssignedThere() {
        ShardTracker tracker = fresh();
        tracker.onShardsListed(List.of(shard("0"), shard("1"), shard("2")), NO_RESOLUTION);
        tracker.markAssigned("0", 0);
        tracker.markAssigned("1", 1);
        tracker.markAssigned("2", 1);
        assertThat(tracker.loadBySubtask()).containsOnly(Map.entry(0, 1), Map.entry(1, 2));
        tracker.onShardsFinished(List.of("1"));
        assertThat(tracker.loadBySubtask()).containsOnly(Map.entry(0, 1), Map.entry(1, 1));
    }

    @Test
    void everyListedShardIsFinishedOnlyAfterAListingAndOnceNoneIsPendingOrBeingRead() {
        ShardTracker tracker = fresh();
        assertThat(tracker.allListedShardsFinished()).as("nothing listed yet").isFalse();
        tracker.onShardsListed(List.of(shard("0"), shard("1")), NO_RESOLUTION);
        tracker.markAssigned("0", 0);
        tracker.onShardsFinished(List.of("0"));
        assertThat(tracker.allListedShardsFinished()).as("1 is still pending").isFalse();
        tracker.markAssigned("1", 1);
        assertThat(tracker.allListedShardsFinished()).as("1 is being read").isFalse();
        tracker.onShardsFinished(List.of("1"));
        assertThat(tracker.allListedShardsFinished()).isTrue();
    }

    @Test
    void readyShardsComeInNumericShardOrder() {
        ShardTracker tracker = fresh();
        List<ShardInfo> shards = new ArrayList<>();
        for (String id : List.of("10", "2", "1", "0")) shards.add(shard(id));
        tracker.onShardsListed(shards, NO_RESOLUTION);
        assertThat(ready(tracker)).containsExactly("0", "1", "2", "10");
        List<String> ids = new ArrayList<>(List.of("10", "9", "100"));
        ids.sort(ShardTracker.SHARD_ORDER);
        assertThat(ids).containsExactly("9", "10", "100");
    }

    @Test
    void aRestoredTrackerKeepsLineageExpiryAndAssignmentsAsTheSnapshotLeftThem() {
        ShardTracker tracker = fresh();
        tracker.onShardsListed(
                List.of(shard("0"), shard("1"), shard("2", "0", "1"), shard("3")),
                Map.of("3", CursorPosition.sequence(8)));
        tracker.markAssigned("0", 0);
        tracker.markAssigned("1", 1);
        tracker.onShardsFinished(List.of("0"));
        tracker.onShardsFinished(List.of("1"), Set.of("1"));

        ShardTracker back = restored(tracker);
        assertThat(back.snapshot()).isEqualTo(tracker.snapshot());
        assertThat(back.startResolved()).isTrue();
        assertThat(back.awaitedParents(split("2", "0", "1")))
                .as("1's missing END marker survives the restore")
                .containsExactly("0");
        assertThat(ready(back)).as("no listing yet in the restored run").isEmpty();
        back.onShardsListed(List.of(shard("2", "0", "1"), shard("3")), null);
        assertThat(back.readyToAssign())
                .extracting(ShardSplit::shardId, ShardSplit::position)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("2", CursorPosition.sequence(0)),
                        org.assertj.core.groups.Tuple.tuple("3", CursorPosition.sequence(8)));
    }
}
