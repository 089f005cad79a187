package io.datahubfcsync.source.enumerator;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.ShardInfo;
import io.datahubfcsync.source.split.ShardSplit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The enumerator's bookkeeping of shard lineage, free of Flink and DataHub calls so it can be
 * tested on its own: which shards are finished, which wait for a reader or for their parents, and
 * which are being read.
 *
 * <p>A child is ready only when each parent is finished, or has gone from DataHub's listing (its
 * data expired) and is not being read. Nothing is ready before the first listing of this run:
 * until then "not listed" would wrongly look like "gone".
 */
final class ShardTracker {
    /** Numeric DataHub shard ids sort as numbers ("2" before "10"). */
    static final Comparator<String> SHARD_ORDER =
            Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

    private final Set<String> finished = new HashSet<>();
    /** Finished shards whose END marker never went through the stream: no child awaits them. */
    private final Set<String> finishedWithoutEnd = new HashSet<>();

    private final Map<String, ShardSplit> pending = new TreeMap<>(SHARD_ORDER);
    private final Map<String, Integer> assigned = new HashMap<>();
    private boolean startResolved;
    /** Shard ids of the most recent listing; null until this run has listed once. */
    private Set<String> listed;

    ShardTracker(EnumeratorState state) {
        this.startResolved = state.startResolved();
        this.finished.addAll(state.finishedShardIds());
        this.finishedWithoutEnd.addAll(state.finishedWithoutEndMarker());
        state.pendingSplits().forEach(s -> pending.put(s.shardId(), s));
        this.assigned.putAll(state.assignedShards());
    }

    boolean startResolved() {
        return startResolved;
    }

    /**
     * Where a shard that appeared after the start was resolved begins: its first record. DataHub
     * numbers each shard's records from 0; as a sequence (not OLDEST) a first record that expired
     * before it was read is noticed.
     */
    static final CursorPosition FIRST_RECORD = CursorPosition.sequence(0);

    /**
     * Takes in a listing. Shards not seen before become pending: at the first start with the
     * resolved start position, afterwards (and shards the resolution did not know) from their
     * first record.
     *
     * <p>A pending shard DataHub no longer lists was deleted with its data (its records expired)
     * before this job read it: it is dropped from the pending ones and returned as vanished, for
     * the enumerator to apply {@code datahub.on-expired-position}.
     *
     * @param initialPositions per-shard start positions, required while the start is unresolved
     */
    ListingChanges onShardsListed(List<ShardInfo> shards, Map<String, CursorPosition> initialPositions) {
        if (!startResolved && initialPositions == null) {
            // a listing raced ahead of the one that resolves the start; wait for it
            return new ListingChanges(List.of(), List.of());
        }
        Set<String> ids = new HashSet<>();
        Set<String> parentsOfListed = new HashSet<>();
        List<String> added = new ArrayList<>();
        for (ShardInfo s : shards) {
            ids.add(s.shardId());
            parentsOfListed.addAll(s.parentIds());
            if (isKnown(s.shardId())) continue;
            CursorPosition start =
                    startResolved ? FIRST_RECORD : initialPositions.getOrDefault(s.shardId(), FIRST_RECORD);
            pending.put(
                    s.shardId(),
                    new ShardSplit(s.shardId(), s.parentIds(), s.beginHashKey(), s.endHashKey(), start, false));
            added.add(s.shardId());
        }
        startResolved = true;
        listed = ids;
        List<ShardSplit> vanished = new ArrayList<>();
        pending.values().removeIf(split -> {
            if (ids.contains(split.shardId())) return false;
            vanished.add(split);
            return true;
        });
        // Finished ids only matter while the shard or a child of it is still listed.
        finished.removeIf(id -> !ids.contains(id) && !parentsOfListed.contains(id));
        finishedWithoutEnd.retainAll(finished);
        return new ListingChanges(added, vanished);
    }

    /**
     * @param added    ids of the shards seen for the first time
     * @param vanished pending splits whose shards DataHub no longer lists
     */
    record ListingChanges(List<String> added, List<ShardSplit> vanished) {}

    private boolean isKnown(String shardId) {
        return finished.contains(shardId) || pending.containsKey(shardId) || assigned.containsKey(shardId);
    }

    /** @return the ids that were not finished before */
    Set<String> onShardsFinished(Collection<String> shardIds) {
        return onShardsFinished(shardIds, Set.of());
    }

    /**
     * @param withoutEndMarker those of {@code shardIds} that finished without emitting an END marker
     * @return the ids that were not finished before
     */
    Set<String> onShardsFinished(Collection<String> shardIds, Set<String> withoutEndMarker) {
        Set<String> newlyFinished = new HashSet<>();
        for (String id : shardIds) {
            boolean isNew = finished.add(id);
            if (isNew) newlyFinished.add(id);
            if (!withoutEndMarker.contains(id)) {
                finishedWithoutEnd.remove(id);
            } else if (isNew) {
                finishedWithoutEnd.add(id);
            }
            assigned.remove(id);
            pending.remove(id);
        }
        return newlyFinished;
    }

    /**
     * The parents a split's records wait for: those this job read to their end with an END
     * marker in the stream (a parent that expired unread has nothing to wait for), plus any the
     * split already awaited when it was handed out before.
     */
    List<String> awaitedParents(ShardSplit split) {
        List<String> awaited = new ArrayList<>();
        for (String p : split.parentIds()) {
            boolean read = finished.contains(p) && !finishedWithoutEnd.contains(p);
            if (read || split.awaitedParents().contains(p)) awaited.add(p);
        }
        return awaited;
    }

    /** Splits a failed reader had since the last checkpoint come back, with their positions. */
    void onSplitsReturned(List<ShardSplit> splits) {
        for (ShardSplit s : splits) {
            assigned.remove(s.shardId());
            if (!finished.contains(s.shardId())) {
                pending.put(s.shardId(), s);
            }
        }
    }

    /** Pending splits whose parents are all done, in shard order. */
    List<ShardSplit> readyToAssign() {
        if (listed == null) return List.of();
        List<ShardSplit> ready = new ArrayList<>();
        for (ShardSplit s : pending.values()) {
            if (s.parentIds().stream().allMatch(this::parentDone)) ready.add(s);
        }
        return ready;
    }

    private boolean parentDone(String parentId) {
        if (finished.contains(parentId)) return true;
        return !listed.contains(parentId) && !assigned.containsKey(parentId) && !pending.containsKey(parentId);
    }

    void markAssigned(String shardId, int subtask) {
        pending.remove(shardId);
        assigned.put(shardId, subtask);
    }

    /** Open shards assigned to each subtask, as far as the enumerator knows. */
    Map<Integer, Integer> loadBySubtask() {
        Map<Integer, Integer> load = new HashMap<>();
        assigned.values().forEach(subtask -> load.merge(subtask, 1, Integer::sum));
        return load;
    }

    /** A reader reported the open shards it holds (after a restore): they are read there. */
    void onReaderHolds(int subtask, Collection<String> shardIds) {
        for (String id : shardIds) {
            if (finished.contains(id)) continue;
            pending.remove(id);
            assigned.put(id, subtask);
        }
    }

    /** True once a listing was seen and every listed shard has been read to its end. */
    boolean allListedShardsFinished() {
        return listed != null && pending.isEmpty() && assigned.isEmpty() && finished.containsAll(listed);
    }

    int pendingCount() {
        return pending.size();
    }

    int assignedCount() {
        return assigned.size();
    }

    EnumeratorState snapshot() {
        return new EnumeratorState(
                startResolved, finished, new ArrayList<>(pending.values()), assigned, finishedWithoutEnd);
    }
}
