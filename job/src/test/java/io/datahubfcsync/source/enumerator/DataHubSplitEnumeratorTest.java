package io.datahubfcsync.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.LostRecordsException;
import io.datahubfcsync.source.config.OnExpiredPosition;
import io.datahubfcsync.source.config.ResolvedStart;
import io.datahubfcsync.source.config.StartPosition;
import io.datahubfcsync.source.split.ShardSplit;
import io.datahubfcsync.source.testing.FakeDataHubClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DataHubSplitEnumeratorTest {
    private final FakeDataHubClient hub = new FakeDataHubClient();
    private final MockSplitEnumeratorContext<ShardSplit> context = new MockSplitEnumeratorContext<>(2);

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    private DataHubSplitEnumerator enumerator(EnumeratorState state, Consumer<DataHubSourceConfig.Builder> tweak) {
        DataHubSourceConfig.Builder b = DataHubSourceConfig.builder()
                .project("p")
                .topic("t")
                .clientFactory(() -> hub)
                .startPosition(StartPosition.oldest());
        tweak.accept(b);
        DataHubSplitEnumerator e = new DataHubSplitEnumerator(context, b.build(), state);
        e.start();
        return e;
    }

    private void discover() throws Throwable {
        context.runPeriodicCallable(0);
    }

    private void register(DataHubSplitEnumerator e, int subtask) {
        context.registerReader(new ReaderInfo(subtask, "localhost"));
        e.addReader(subtask);
    }

    private void registerBoth(DataHubSplitEnumerator e) {
        register(e, 0);
        register(e, 1);
    }

    /** Shard id → subtask, over every assignment made so far. */
    private Map<String, Integer> assignedTo() {
        Map<String, Integer> owners = new HashMap<>();
        for (SplitsAssignment<ShardSplit> a : context.getSplitsAssignmentSequence()) {
            a.assignment().forEach((subtask, splits) -> splits.forEach(s -> owners.put(s.shardId(), subtask)));
        }
        return owners;
    }

    private Map<String, ShardSplit> assignedSplits() {
        Map<String, ShardSplit> splits = new HashMap<>();
        for (SplitsAssignment<ShardSplit> a : context.getSplitsAssignmentSequence()) {
            a.assignment().values().forEach(l -> l.forEach(s -> splits.put(s.shardId(), s)));
        }
        return splits;
    }

    @Test
    void childrenOfASplitWaitForTheirParentAndShardsAreBalanced() throws Throwable {
        hub.shard("0").appendMany(3, 1_000).close();
        hub.shard("1").appendMany(3, 1_000);
        hub.shard("2", "0");
        hub.shard("3", "0");
        DataHubSplitEnumerator e = enumerator(EnumeratorState.initial(), b -> {});
        register(e, 0);
        register(e, 1);
        assertThat(assignedTo()).as("nothing before the first listing").isEmpty();

        discover();
        assertThat(assignedTo()).containsOnlyKeys("0", "1");
        assertThat(Set.copyOf(assignedTo().values())).containsExactlyInAnyOrder(0, 1);

        e.handleSourceEvent(0, new ShardsFinishedEvent(Set.of("0")));
        assertThat(assignedTo()).containsOnlyKeys("0", "1", "2", "3");
        assertThat(context.getOneTimeCallables())
                .as("a finished parent triggers an immediate re-listing")
                .isNotEmpty();

        List<Integer> load = new ArrayList<>(List.of(0, 0));
        assignedTo().forEach((shard, subtask) -> {
            if (!shard.equals("0")) load.set(subtask, load.get(subtask) + 1);
        });
        assertThat(Math.abs(load.get(0) - load.get(1)))
                .as("open shards per reader %s", load)
                .isLessThanOrEqualTo(1);
    }

    @Test
    void aMergedChildWaitsForBothParents() throws Throwable {
        hub.shard("0").close();
        hub.shard("1").close();
        hub.shard("2", "0", "1");
        DataHubSplitEnumerator e = enumerator(EnumeratorState.initial(), b -> {});
        register(e, 0);
        discover();
        e.handleSourceEvent(0, new ShardsFinishedEvent(Set.of("0")));
        assertThat(assignedTo()).doesNotContainKey("2");
        e.handleSourceEvent(0, new ShardsFinishedEvent(Set.of("1")));
        assertThat(assignedTo()).containsKey("2");
    }

    @Test
    void aParentDataHubNoLongerListsCountsAsFinished() throws Throwable {
        hub.shard("5", "4"); // shard 4 expired out of the listing
        DataHubSplitEnumerator e = enumerator(EnumeratorState.initial(), b -> {});
        registerBoth(e);
        discover();
        assertThat(assignedTo()).containsKey("5");
    }

    @Test
    void latestIsResolvedOnceToTheSequenceAfterTheNewestRecordAndLaterShardsStartAtTheirFirstRecord() throws Throwable {
        hub.shard("0").appendMany(5, 1_000);
        hub.shard("1"); // empty
        DataHubSplitEnumerator e = enumerator(EnumeratorState.initial(), b -> b.startPosition(StartPosition.latest()));
        discover();
        EnumeratorState snapshot = e.snapshotState(1);
        assertThat(snapshot.startResolved()).isTrue();
        assertThat(snapshot.pendingSplits())
                .extracting(ShardSplit::position)
                .containsExactly(CursorPosition.sequence(5), CursorPosition.sequence(0));

        // restored enumerator: records written meanwhile are not skipped, a new shard starts at its first record
        hub.shard("0").appendMany(2, 2_000);
        hub.shard("2");
        DataHubSplitEnumerator restored = enumerator(
                EnumeratorStateSerializer.INSTANCE.deserialize(
                        EnumeratorStateSerializer.INSTANCE.getVersion(),
                        EnumeratorStateSerializer.INSTANCE.serialize(snapshot)),
                b -> b.startPosition(StartPosition.latest()));
        context.runPeriodicCallable(1);
        register(restored, 0);
        register(restored, 1);
        Map<String, ShardSplit> splits = assignedSplits();
        assertThat(splits.get("0").position()).isEqualTo(CursorPosition.sequence(5));
        assertThat(splits.get("1").position()).isEqualTo(CursorPosition.sequence(0));
        assertThat(splits.get("2").position())
                .as("a sequence, so an expired first record is noticed")
                .isEqualTo(CursorPosition.sequence(0));
    }

    @Test
    void aStartResolvedBeforeSubmissionIsWhereEveryAttemptWithoutACheckpointBegins() throws Throwable {
        hub.shard("0").appendMany(900, 1_000).expireBefore(100);
        hub.shard("1").appendMany(5, 1_000);
        ResolvedStart resolved = StartPositionResolver.resolve(hub, StartPosition.oldest());
        assertThat(resolved.positions())
                .containsEntry("0", CursorPosition.sequence(100))
                .containsEntry("1", CursorPosition.sequence(0));

        // records expire after submission, then an attempt starts with no checkpoint to restore
        hub.shard("0").expireBefore(800);
        hub.shard("7", "1");
        DataHubSplitEnumerator e = enumerator(
                EnumeratorState.initial(),
                b -> b.startPosition(StartPosition.oldest()).resolvedStart(resolved));
        registerBoth(e);
        discover();
        Map<String, ShardSplit> splits = assignedSplits();
        assertThat(splits.get("0").position()).as("not the oldest of now, 800").isEqualTo(CursorPosition.sequence(100));
        assertThat(splits.get("1").position()).isEqualTo(CursorPosition.sequence(0));
        assertThat(e.snapshotState(1).pendingSplits())
                .extracting(ShardSplit::shardId, ShardSplit::position)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("7", CursorPosition.sequence(0)));
    }

    @Test
    void aPendingShardDeletedBeforeItWasReadFailsTheJobForGoodNamingIt() throws Throwable {
        hub.shard("0").appendMany(3, 1_000);
        hub.shard("4", "0").appendMany(3, 1_000);
        DataHubSplitEnumerator e = enumerator(EnumeratorState.initial(), b -> {});
        register(e, 0);
        discover();
        assertThat(e.snapshotState(1).pendingSplits())
                .extracting(ShardSplit::shardId)
                .containsExactly("4");

        hub.delete("4"); // its records expired while it waited for its parent
        assertThatThrownBy(this::discover)
                .isInstanceOf(SuppressRestartsException.class)
                .cause()
                .isInstanceOf(LostRecordsException.class)
                .hasMessageContaining("shard 4 in DataHub project p topic t")
                .hasMessageContaining("every record from sequence 0 on")
                .hasMessageContaining("deleted before this job read it");
    }

    @Test
    void aPendingShardDeletedBeforeItWasReadIsSkippedUnderOldestAndItsChildrenGoOn() throws Throwable {
        hub.shard("0").appendMany(3, 1_000);
        hub.shard("4", "0");
        hub.shard("5", "4");
        DataHubSplitEnumerator e =
                enumerator(EnumeratorState.initial(), b -> b.onExpiredPosition(OnExpiredPosition.OLDEST));
        registerBoth(e);
        discover();
        hub.delete("4");
        discover();
        assertThat(assignedSplits()).as("4 is gone unread, so 5 awaits nothing").containsKey("5");
        assertThat(assignedSplits().get("5").awaitedParents()).isEmpty();
        assertThat(e.snapshotState(2).pendingSplits()).isEmpty();
    }

    @Test
    void aTimestampStartIsResolvedPerShard() throws Throwable {
        hub.shard("0").appendMany(10, 1_000); // times 1000..1009
        hub.shard("1").appendMany(3, 2_000);
        DataHubSplitEnumerator e =
                enumerator(EnumeratorState.initial(), b -> b.startPosition(StartPosition.timestamp(1_004)));
        discover();
        assertThat(e.snapshotState(1).pendingSplits())
                .extracting(ShardSplit::position)
                .containsExactly(CursorPosition.sequence(4), CursorPosition.sequence(0));
    }

    @Test
    void splitsOfAFailedReaderWaitForTheirOwnerAndGoBackToItWithTheirPositions() throws Throwable {
        hub.shard("0").appendMany(3, 1_000);
        DataHubSplitEnumerator e = enumerator(EnumeratorState.initial(), b -> {});
        registerBoth(e);
        discover();
        assertThat(assignedTo()).containsEntry("0", 0);

        context.unregisterReader(0);
        ShardSplit back = new ShardSplit("0", List.of(), "0", "F", CursorPosition.sequence(2), false);
        e.addSplitsBack(List.of(back), 0);
        int assignments = context.getSplitsAssignmentSequence().size();
        e.addReader(1);
        assertThat(context.getSplitsAssignmentSequence())
                .as("not to a reader that does not own it")
                .hasSize(assignments);
        register(e, 0);
        List<SplitsAssignment<ShardSplit>> seq = context.getSplitsAssignmentSequence();
        assertThat(seq.get(seq.size() - 1).assignment()).containsEntry(0, List.of(back));
    }

    @Test
    void eachShardGoesToTheReaderOwningTheMidpointOfItsHashKeyRange_whateverOrderReadersRegisterIn() throws Throwable {
        // four shards over the 128-bit key space as DataHub creates them, a fifth split off shard 3's range
        String[] bounds = {
            "00000000000000000000000000000000",
            "40000000000000000000000000000000",
            "80000000000000000000000000000000",
            "C0000000000000000000000000000000",
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
        };
        List<ShardSplit> splits = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hub.shard(String.valueOf(i));
            splits.add(new ShardSplit(
                    String.valueOf(i), List.of(), bounds[i], bounds[i + 1], CursorPosition.sequence(0), false));
        }
        assertThat(splits).extracting(s -> ShardOwners.ownerOf(s, 2)).containsExactly(0, 0, 1, 1);
        assertThat(splits).extracting(s -> ShardOwners.ownerOf(s, 3)).containsExactly(0, 1, 1, 2);
        assertThat(splits).extracting(s -> ShardOwners.ownerOf(s, 4)).containsExactly(0, 1, 2, 3);
        ShardSplit child = new ShardSplit(
                "5", List.of("3"), "E0000000000000000000000000000000", bounds[4], CursorPosition.sequence(0), false);
        assertThat(ShardOwners.ownerOf(child, 2))
                .as("a child goes where its key range lies")
                .isEqualTo(1);

        // the enumerator: the reader registering first gets only its own shards, the other waits for its owner
        MockSplitEnumeratorContext<ShardSplit> four = new MockSplitEnumeratorContext<>(2);
        DataHubSplitEnumerator e = new DataHubSplitEnumerator(
                four,
                DataHubSourceConfig.builder()
                        .project("p")
                        .topic("t")
                        .clientFactory(() -> hub)
                        .build(),
                new EnumeratorState(true, Set.of(), splits, Map.of()));
        e.start();
        four.runPeriodicCallable(0);
        four.registerReader(new ReaderInfo(1, "localhost"));
        e.addReader(1);
        assertThat(four.getSplitsAssignmentSequence())
                .singleElement()
                .satisfies(a -> assertThat(a.assignment().get(1))
                        .extracting(ShardSplit::shardId)
                        .containsExactly("2", "3"));
        four.registerReader(new ReaderInfo(0, "localhost"));
        e.addReader(0);
        assertThat(four.getSplitsAssignmentSequence().get(1).assignment().get(0))
                .extracting(ShardSplit::shardId)
                .containsExactly("0", "1");
        four.close();
    }

    @Test
    void aBoundedSourceSignalsTheEndOnceEveryShardFinished() throws Throwable {
        hub.shard("0").close();
        hub.shard("1");
        DataHubSplitEnumerator e = enumerator(EnumeratorState.initial(), b -> b.stopAtMs(5_000L));
        register(e, 0);
        discover();
        e.handleSourceEvent(0, new ShardsFinishedEvent(Set.of("0")));
        assertThat(context.hasNoMoreSplits(0)).isFalse();
        e.handleSourceEvent(0, new ShardsFinishedEvent(Set.of("1")));
        assertThat(context.hasNoMoreSplits(0)).isTrue();
        register(e, 1);
        assertThat(context.hasNoMoreSplits(1))
                .as("a reader registering later is told too")
                .isTrue();
    }

    @Test
    void afterARestoreNothingIsAssignedBeforeTheFirstListing() throws Throwable {
        hub.shard("0").appendMany(1, 1_000).close();
        hub.shard("2", "0");
        // restored: the child is pending, the parent is neither finished nor known (its reader has it)
        EnumeratorState restored = new EnumeratorState(
                true,
                Set.of(),
                List.of(new ShardSplit("2", List.of("0"), "0", "F", CursorPosition.oldest(), false)),
                Map.of("0", 1));
        DataHubSplitEnumerator e = enumerator(restored, b -> {});
        register(e, 0);
        assertThat(assignedTo()).isEmpty();
        discover();
        assertThat(assignedTo()).as("parent 0 is listed and not finished").isEmpty();
        e.handleSourceEvent(1, new ShardsFinishedEvent(Set.of("0")));
        assertThat(assignedTo()).containsKey("2");
    }

    @Test
    void aChildAwaitsExactlyTheParentsThisJobReadToTheirEnd() throws Throwable {
        hub.shard("0").close();
        hub.shard("1").close();
        hub.shard("2", "0", "1");
        hub.shard("3", "0");
        hub.shard("6", "4"); // parent 4 expired out of the listing before this job read it
        DataHubSplitEnumerator e = enumerator(EnumeratorState.initial(), b -> {});
        registerBoth(e);
        discover();
        assertThat(assignedSplits().get("6").awaitedParents()).isEmpty();

        e.handleSourceEvent(0, new ShardsFinishedEvent(Set.of("0")));
        assertThat(assignedSplits().get("3").awaitedParents()).containsExactly("0");
        e.handleSourceEvent(0, new ShardsFinishedEvent(Set.of("1")));
        assertThat(assignedSplits().get("2").awaitedParents()).containsExactly("0", "1");
    }

    @Test
    void aParentThatFinishedUnderAReleaseWithoutMarkersIsNotAwaited() throws Throwable {
        hub.shard("0").close();
        hub.shard("1").close();
        hub.shard("2", "0", "1");
        // version 1 state: parent 0 finished before markers existed, parent 1 is still being read
        EnumeratorState v1 =
                EnumeratorStateSerializer.INSTANCE.deserialize(1, version1Bytes(Set.of("0"), Map.of("1", 0)));
        DataHubSplitEnumerator e = enumerator(v1, b -> {});
        register(e, 0);
        discover();
        // a reader restored from version 1 state re-reports a finished split that sent no END marker
        e.handleSourceEvent(0, new ShardsFinishedEvent(Set.of("1"), Set.of("1")));
        assertThat(assignedSplits().get("2").awaitedParents()).isEmpty();
    }

    @Test
    void aReturnedChildKeepsTheParentsItAwaited() throws Throwable {
        hub.shard("0").close();
        hub.shard("3", "0");
        DataHubSplitEnumerator e = enumerator(EnumeratorState.initial(), b -> {});
        registerBoth(e);
        discover();
        e.handleSourceEvent(0, new ShardsFinishedEvent(Set.of("0")));
        ShardSplit child = assignedSplits().get("3");
        assertThat(child.awaitedParents()).containsExactly("0");

        context.unregisterReader(1);
        e.addSplitsBack(List.of(child), 1);
        register(e, 1);
        List<SplitsAssignment<ShardSplit>> seq = context.getSplitsAssignmentSequence();
        assertThat(seq.get(seq.size() - 1).assignment().get(1))
                .singleElement()
                .satisfies(s -> assertThat(s.awaitedParents()).containsExactly("0"));
    }

    /** Enumerator state exactly as version 1 lays it out: start resolved, no pending split. */
    private static byte[] version1Bytes(Set<String> finished, Map<String, Integer> assigned) throws Exception {
        org.apache.flink.core.memory.DataOutputSerializer out =
                new org.apache.flink.core.memory.DataOutputSerializer(64);
        out.writeBoolean(true);
        out.writeInt(finished.size());
        for (String id : finished) out.writeUTF(id);
        out.writeInt(0);
        out.writeInt(assigned.size());
        for (Map.Entry<String, Integer> a : assigned.entrySet()) {
            out.writeUTF(a.getKey());
            out.writeInt(a.getValue());
        }
        return out.getCopyOfBuffer();
    }

    @Test
    void afterARestoreAtAnotherParallelismNewShardsGoWhereTheyKeepTheReadersBalanced() throws Throwable {
        MockSplitEnumeratorContext<ShardSplit> three = new MockSplitEnumeratorContext<>(3);
        for (String id : List.of("1", "2", "3", "4", "5")) hub.shard(id);
        hub.shard("6", "0"); // shard 0 was split: its children 6 and 7 are new
        hub.shard("7", "0");
        // restored from parallelism 2; Flink handed the splits out anew: subtask 0 holds three of them
        EnumeratorState restored =
                new EnumeratorState(true, Set.of("0"), List.of(), Map.of("1", 0, "2", 0, "3", 0, "4", 1, "5", 1));
        DataHubSplitEnumerator e = new DataHubSplitEnumerator(
                three,
                DataHubSourceConfig.builder()
                        .project("p")
                        .topic("t")
                        .clientFactory(() -> hub)
                        .build(),
                restored);
        e.start();
        for (int r = 0; r < 3; r++) {
            three.registerReader(new ReaderInfo(r, "localhost"));
            e.addReader(r);
        }
        e.handleSourceEvent(0, new ReaderSplitsEvent(Set.of("1", "2", "3")));
        e.handleSourceEvent(1, new ReaderSplitsEvent(Set.of("4")));
        e.handleSourceEvent(2, new ReaderSplitsEvent(Set.of("5")));
        three.runPeriodicCallable(0);

        Map<Integer, Integer> load = new HashMap<>(Map.of(0, 3, 1, 1, 2, 1));
        for (SplitsAssignment<ShardSplit> a : three.getSplitsAssignmentSequence()) {
            a.assignment().forEach((subtask, splits) -> load.merge(subtask, splits.size(), Integer::sum));
        }
        assertThat(load.values())
                .as("7 open shards over 3 readers: at most ceil(7/3) each, %s", load)
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(3));
        assertThat(load.get(0))
                .as("the reader already over its share gets none")
                .isEqualTo(3);
        three.close();
    }
}
