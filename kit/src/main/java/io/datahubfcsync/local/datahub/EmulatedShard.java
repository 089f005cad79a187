package io.datahubfcsync.local.datahub;

import com.aliyun.datahub.client.model.ShardState;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * One shard's state and records. Not thread-safe: every access goes through its
 * {@link EmulatedTopic}, which serialises them.
 */
final class EmulatedShard {
    final int id;
    final BigInteger beginKey;
    final BigInteger endKey;
    final List<String> parentIds;
    ShardState state = ShardState.ACTIVE;
    long closedTimeSeconds;

    /** Retained records; {@code records.get(i).sequence() == firstRetained + i}. */
    private final ArrayList<StoredRecord> records = new ArrayList<>();

    private long firstRetained;
    private long nextSequence;
    private long lastSystemTime = Long.MIN_VALUE;

    /** Transient NoSuchShard right after a reshard (fault injection): calls left / until when (epoch ms). */
    int hiddenForCalls;

    long hiddenUntilMillis;

    EmulatedShard(int id, BigInteger beginKey, BigInteger endKey, List<String> parentIds) {
        this.id = id;
        this.beginKey = beginKey;
        this.endKey = endKey;
        this.parentIds = List.copyOf(parentIds);
    }

    String shardId() {
        return Integer.toString(id);
    }

    boolean isActive() {
        return state == ShardState.ACTIVE;
    }

    /** Whether {@code key} falls in {@code [begin, end)}; the shard ending at the top of the space also holds MAX. */
    boolean covers(BigInteger key) {
        return key.compareTo(beginKey) >= 0
                && (key.compareTo(endKey) < 0 || (endKey.equals(HashKeys.MAX) && key.equals(HashKeys.MAX)));
    }

    StoredRecord append(IncomingRecord in, List<String> normalizedTuple, long nowMillis) {
        // System time never goes backwards within a shard, even if the clock does.
        long systemTime = Math.max(nowMillis, lastSystemTime);
        lastSystemTime = systemTime;
        StoredRecord r = new StoredRecord(
                nextSequence++,
                systemTime,
                in.attributes(),
                in.blob() == null ? null : in.blob().clone(),
                normalizedTuple,
                in.partitionKey(),
                in.hashKey());
        records.add(r);
        return r;
    }

    /** First retained sequence; equals {@link #nextSequence()} when nothing is retained. */
    long oldestSequence() {
        return firstRetained;
    }

    long nextSequence() {
        return nextSequence;
    }

    boolean hasRecords() {
        return !records.isEmpty();
    }

    StoredRecord latest() {
        return records.isEmpty() ? null : records.get(records.size() - 1);
    }

    StoredRecord at(long sequence) {
        long idx = sequence - firstRetained;
        return idx < 0 || idx >= records.size() ? null : records.get((int) idx);
    }

    /** Up to {@code limit} records from {@code fromSequence} (which must be retained or the next one). */
    List<StoredRecord> read(long fromSequence, int limit) {
        int from = (int) (fromSequence - firstRetained);
        int to = (int) Math.min(records.size(), (long) from + limit);
        return from >= to ? List.of() : new ArrayList<>(records.subList(from, to));
    }

    /** Sequence of the first retained record with systemTime >= t, or the next sequence. */
    long firstSequenceAtOrAfter(long systemTimeMillis) {
        int lo = 0;
        int hi = records.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (records.get(mid).systemTime() < systemTimeMillis) lo = mid + 1;
            else hi = mid;
        }
        return firstRetained + lo;
    }

    /** Drops every record below {@code sequence} (capped at the next sequence). Returns how many were dropped. */
    int expireBefore(long sequence) {
        long target = Math.min(sequence, nextSequence);
        if (target <= firstRetained) return 0;
        int drop = (int) (target - firstRetained);
        records.subList(0, drop).clear();
        firstRetained = target;
        return drop;
    }

    /** Drops every record whose system time is before {@code systemTimeMillis}. */
    int expireOlderThan(long systemTimeMillis) {
        return expireBefore(firstSequenceAtOrAfter(systemTimeMillis));
    }

    List<StoredRecord> snapshot() {
        return List.copyOf(records);
    }
}
