package io.datahubfcsync.source.reader;

import io.datahubfcsync.retry.Backoff;
import io.datahubfcsync.source.split.ShardSplit;
import java.util.List;

/**
 * What the split reader's fetcher knows about reading one shard: where it has read up to (ahead of
 * what was emitted, which {@link io.datahubfcsync.source.split.EmittedSplitProgress} tracks), the
 * live cursor, and when it may next call DataHub. Not in any checkpoint. Touched by one thread at
 * a time: a call thread while a read of the shard is in flight, the fetcher thread otherwise (the
 * hand-over goes through a blocking queue, which orders the two).
 */
final class ShardFetchState {
    final String shardId;
    /** Position, cursor and last sequence read. */
    final ShardReadCursor at;

    long nextAttemptAtMs;
    /** When DataHub first answered NoSuchShard in the current streak, -1 if not. */
    long notFoundSinceMs = -1;
    /** Consecutive cursor rejections; a second one in a row waits instead of re-seeking at once. */
    int cursorRejections;

    boolean finished;
    /** The shard's newest sequence as DataHub last reported it, -1 if unknown. */
    long knownLatestSequence = -1;
    /** Reads made of the shard. */
    int calls;
    /** Parents announced in the START marker; empty when the shard awaits none. */
    final List<String> awaitedParents;
    /** The START marker still has to go out before the shard's first record. */
    boolean startMarkerDue;

    final Backoff idle;
    final Backoff retry;
    /** How fast records arrive, to poll a busy shard at their pace rather than by {@link #idle}. */
    final ArrivalPace pace;

    ShardFetchState(ShardSplit split, long idleBackoffMaxMs, long retryBackoffMaxMs) {
        this.shardId = split.shardId();
        this.at = new ShardReadCursor(split.shardId(), split.position(), split.lastReadSequence());
        this.awaitedParents = split.awaitedParents();
        this.startMarkerDue = !awaitedParents.isEmpty();
        this.idle = new Backoff(Math.min(20, idleBackoffMaxMs), idleBackoffMaxMs, 0);
        this.retry = new Backoff(100, retryBackoffMaxMs, 0.2);
        this.pace = new ArrivalPace(idleBackoffMaxMs);
    }
}
