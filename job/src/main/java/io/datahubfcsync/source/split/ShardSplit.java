package io.datahubfcsync.source.split;

import io.datahubfcsync.datahub.CursorPosition;
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
 *
 * <p>For the delivery order across splits and merges the split also carries the parents whose
 * delivery its records wait for ({@code awaitedParents}, chosen by the enumerator when it hands the
 * split out and announced in a START marker each time a reader takes the split up), the last
 * sequence this job read of the shard (the END marker's sequence), and whether the shard's END
 * marker went through the stream when it finished ({@code endMarkerSent}: false only for a
 * finished split restored from a release that emitted no markers).
 */
public final class ShardSplit implements SourceSplit {
    private final String shardId;
    private final List<String> parentIds;
    private final String beginHashKey;
    private final String endHashKey;
    private final CursorPosition position;
    private final boolean finished;
    private final List<String> awaitedParents;
    private final long lastReadSequence;
    private final boolean endMarkerSent;

    public ShardSplit(
            String shardId,
            List<String> parentIds,
            String beginHashKey,
            String endHashKey,
            CursorPosition position,
            boolean finished) {
        this(shardId, parentIds, beginHashKey, endHashKey, position, finished, List.of(), -1L, true);
    }

    public ShardSplit(
            String shardId,
            List<String> parentIds,
            String beginHashKey,
            String endHashKey,
            CursorPosition position,
            boolean finished,
            List<String> awaitedParents,
            long lastReadSequence,
            boolean endMarkerSent) {
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        this.parentIds = parentIds == null ? List.of() : List.copyOf(parentIds);
        this.beginHashKey = beginHashKey == null ? "" : beginHashKey;
        this.endHashKey = endHashKey == null ? "" : endHashKey;
        this.position = Objects.requireNonNull(position, "position");
        if (position.kind() == CursorPosition.Kind.LATEST) {
            throw new IllegalArgumentException("A split keeps a resolved position, not LATEST (shard " + shardId + ")");
        }
        this.finished = finished;
        this.awaitedParents = awaitedParents == null ? List.of() : List.copyOf(awaitedParents);
        if (!this.parentIds.containsAll(this.awaitedParents)) {
            throw new IllegalArgumentException("Shard " + shardId + " can only await its parents " + this.parentIds
                    + ", not " + this.awaitedParents);
        }
        this.lastReadSequence = Math.max(-1L, lastReadSequence);
        this.endMarkerSent = endMarkerSent;
    }

    @Override
    public String splitId() {
        return shardId;
    }

    public String shardId() {
        return shardId;
    }

    public List<String> parentIds() {
        return parentIds;
    }

    public String beginHashKey() {
        return beginHashKey;
    }

    public String endHashKey() {
        return endHashKey;
    }
    /** Where reading continues: OLDEST, SEQUENCE (the next sequence) or SYSTEM_TIME. */
    public CursorPosition position() {
        return position;
    }

    public boolean isFinished() {
        return finished;
    }
    /** The parents whose records are all delivered before any record of this shard; empty for none. */
    public List<String> awaitedParents() {
        return awaitedParents;
    }
    /** The last sequence this job read of the shard, -1 if none. */
    public long lastReadSequence() {
        return lastReadSequence;
    }
    /** For a finished split: whether its END marker was emitted (false only for state of an older release). */
    public boolean endMarkerSent() {
        return endMarkerSent;
    }

    public ShardSplit withPosition(CursorPosition newPosition) {
        return new ShardSplit(
                shardId,
                parentIds,
                beginHashKey,
                endHashKey,
                newPosition,
                finished,
                awaitedParents,
                lastReadSequence,
                endMarkerSent);
    }

    /** After reading: the next position and the last sequence read. */
    public ShardSplit withProgress(CursorPosition newPosition, long newLastReadSequence) {
        return new ShardSplit(
                shardId,
                parentIds,
                beginHashKey,
                endHashKey,
                newPosition,
                finished,
                awaitedParents,
                newLastReadSequence,
                endMarkerSent);
    }

    public ShardSplit withAwaitedParents(List<String> parents) {
        return new ShardSplit(
                shardId,
                parentIds,
                beginHashKey,
                endHashKey,
                position,
                finished,
                parents,
                lastReadSequence,
                endMarkerSent);
    }

    public ShardSplit asFinished() {
        return new ShardSplit(
                shardId,
                parentIds,
                beginHashKey,
                endHashKey,
                position,
                true,
                awaitedParents,
                lastReadSequence,
                endMarkerSent);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardSplit s
                && s.shardId.equals(shardId)
                && s.parentIds.equals(parentIds)
                && s.beginHashKey.equals(beginHashKey)
                && s.endHashKey.equals(endHashKey)
                && s.position.equals(position)
                && s.finished == finished
                && s.awaitedParents.equals(awaitedParents)
                && s.lastReadSequence == lastReadSequence
                && s.endMarkerSent == endMarkerSent;
    }

    @Override
    public int hashCode() {
        return Objects.hash(shardId, parentIds, position, finished, awaitedParents, lastReadSequence);
    }

    @Override
    public String toString() {
        return "ShardSplit{" + shardId + (parentIds.isEmpty() ? "" : ", parents=" + parentIds)
                + (awaitedParents.isEmpty() ? "" : ", awaits=" + awaitedParents) + ", " + position
                + (finished ? ", finished" : "") + '}';
    }
}
