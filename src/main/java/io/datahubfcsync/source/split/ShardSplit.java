package io.datahubfcsync.source.split;

import io.datahubfcsync.source.client.CursorPosition;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One DataHub shard as a Flink split: which shard, its lineage and key range, where to read next,
 * and whether it has been read to its end.
 *
 * <p>{@code finished} splits never reach a split reader: a reader keeps them in its checkpoint
 * after the shard ended, until that checkpoint completes, so that a restore can tell the
 * enumerator again that the shard's children may start.
 */
public final class ShardSplit implements SourceSplit {
    private final String shardId;
    private final List<String> parentIds;
    private final String beginHashKey;
    private final String endHashKey;
    private final CursorPosition position;
    private final boolean finished;

    public ShardSplit(String shardId, List<String> parentIds, String beginHashKey, String endHashKey,
                      CursorPosition position, boolean finished) {
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        this.parentIds = parentIds == null ? List.of() : List.copyOf(parentIds);
        this.beginHashKey = beginHashKey == null ? "" : beginHashKey;
        this.endHashKey = endHashKey == null ? "" : endHashKey;
        this.position = Objects.requireNonNull(position, "position");
        if (position.kind() == CursorPosition.Kind.LATEST) {
            throw new IllegalArgumentException("A split keeps a resolved position, not LATEST (shard " + shardId + ")");
        }
        this.finished = finished;
    }

    @Override
    public String splitId() {
        return shardId;
    }

    public String shardId() { return shardId; }
    public List<String> parentIds() { return parentIds; }
    public String beginHashKey() { return beginHashKey; }
    public String endHashKey() { return endHashKey; }
    /** Where reading continues: OLDEST, SEQUENCE (the next sequence) or SYSTEM_TIME. */
    public CursorPosition position() { return position; }
    public boolean isFinished() { return finished; }

    public ShardSplit withPosition(CursorPosition newPosition) {
        return new ShardSplit(shardId, parentIds, beginHashKey, endHashKey, newPosition, finished);
    }

    public ShardSplit asFinished() {
        return new ShardSplit(shardId, parentIds, beginHashKey, endHashKey, position, true);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardSplit s && s.shardId.equals(shardId) && s.parentIds.equals(parentIds)
                && s.beginHashKey.equals(beginHashKey) && s.endHashKey.equals(endHashKey)
                && s.position.equals(position) && s.finished == finished;
    }

    @Override
    public int hashCode() {
        return Objects.hash(shardId, parentIds, position, finished);
    }

    @Override
    public String toString() {
        return "ShardSplit{" + shardId + (parentIds.isEmpty() ? "" : ", parents=" + parentIds) + ", " + position
                + (finished ? ", finished" : "") + '}';
    }
}
