package io.datahubfcsync.source.split;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.event.ShardRecord;

/**
 * How far the source reader has emitted one shard's split: the reader's mutable split state (Flink's
 * {@code SplitStateT}), changed on the task thread by the record emitter as each record goes out, so
 * what a checkpoint stores ({@link #toSplit()}) is exactly "everything before this sequence was
 * emitted". The fetcher reads ahead of it, in its own per-shard state; the delivery operator keeps
 * its own per-shard state downstream.
 */
public final class EmittedSplitProgress {
    private final ShardSplit split;
    private volatile CursorPosition position;
    private volatile long lastSequence;
    private volatile long lastSystemTime = -1;
    private volatile long shardLatestTime = -1;

    public EmittedSplitProgress(ShardSplit split) {
        this.split = split;
        this.position = split.position();
        this.lastSequence = split.lastReadSequence();
    }

    /** Called by the emitter for each record it hands on. */
    public void recordEmitted(ShardRecord record) {
        position = CursorPosition.sequence(record.sequence + 1);
        lastSequence = record.sequence;
        lastSystemTime = record.systemTime;
        if (record.shardLatestTime >= 0) shardLatestTime = record.shardLatestTime;
    }

    public String shardId() {
        return split.shardId();
    }

    /** Sequence of the last emitted record (before a restore too), -1 before the first. */
    public long lastSequence() {
        return lastSequence;
    }

    /** Shard's newest record time minus the last emitted record's time; -1 until known. */
    public long millisBehindLatest() {
        long latest = shardLatestTime;
        long last = lastSystemTime;
        return latest < 0 || last < 0 ? -1 : Math.max(0, latest - last);
    }

    public ShardSplit toSplit() {
        return split.withProgress(position, lastSequence);
    }
}
