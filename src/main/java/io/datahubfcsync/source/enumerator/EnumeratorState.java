package io.datahubfcsync.source.enumerator;

import io.datahubfcsync.source.split.ShardSplit;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The enumerator's checkpoint.
 *
 * @param startResolved    whether the job's start position was already turned into per-shard
 *                         positions; after that, every newly listed shard starts at OLDEST
 * @param finishedShardIds shards read to their end, so their children may be assigned
 * @param pendingSplits    discovered shards not yet handed to a reader, with their start position
 * @param assignedShards   shard id → subtask it was handed to (used for balancing)
 */
public record EnumeratorState(boolean startResolved, Set<String> finishedShardIds, List<ShardSplit> pendingSplits,
                              Map<String, Integer> assignedShards) {
    public EnumeratorState {
        finishedShardIds = Set.copyOf(finishedShardIds);
        pendingSplits = List.copyOf(pendingSplits);
        assignedShards = Map.copyOf(assignedShards);
    }

    public static EnumeratorState initial() {
        return new EnumeratorState(false, Set.of(), List.of(), Map.of());
    }
}
