package io.datahubfcsync.source.enumerator;

import io.datahubfcsync.source.split.ShardSplit;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The enumerator's checkpoint.
 *
 * @param startResolved    whether the job's start position was already turned into per-shard
 *                         positions; after that, every newly listed shard starts at its first record
 * @param finishedShardIds shards read to their end, so their children may be assigned
 * @param pendingSplits    discovered shards not yet handed to a reader, with their start position
 * @param assignedShards   shard id → subtask it was handed to (used for balancing)
 * @param finishedWithoutEndMarker finished shards whose END marker never went through the stream
 *                         (they finished under a release without markers): no child awaits them
 */
public record EnumeratorState(
        boolean startResolved,
        Set<String> finishedShardIds,
        List<ShardSplit> pendingSplits,
        Map<String, Integer> assignedShards,
        Set<String> finishedWithoutEndMarker) {
    public EnumeratorState {
        finishedShardIds = Set.copyOf(finishedShardIds);
        pendingSplits = List.copyOf(pendingSplits);
        assignedShards = Map.copyOf(assignedShards);
        finishedWithoutEndMarker = Set.copyOf(finishedWithoutEndMarker);
    }

    public EnumeratorState(
            boolean startResolved,
            Set<String> finishedShardIds,
            List<ShardSplit> pendingSplits,
            Map<String, Integer> assignedShards) {
        this(startResolved, finishedShardIds, pendingSplits, assignedShards, Set.of());
    }

    public static EnumeratorState initial() {
        return new EnumeratorState(false, Set.of(), List.of(), Map.of(), Set.of());
    }
}
