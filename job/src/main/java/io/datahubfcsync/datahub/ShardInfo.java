package io.datahubfcsync.datahub;

import java.util.List;
import java.util.Objects;

/**
 * One shard as listed by DataHub: id, lifecycle state, parents (after a split or merge) and its
 * hash-key range {@code [beginHashKey, endHashKey)}.
 */
public record ShardInfo(String shardId, State state, List<String> parentIds, String beginHashKey, String endHashKey) {

    /** DataHub shard states; only ACTIVE and CLOSED shards hold readable data. */
    public enum State {
        OPENING,
        ACTIVE,
        CLOSING,
        CLOSED,
        INACTIVE,
        UNKNOWN
    }

    public ShardInfo {
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(state, "state");
        parentIds = parentIds == null ? List.of() : List.copyOf(parentIds);
    }
}
