package io.datahubfcsync.event;

import java.util.Arrays;

/**
 * One DataHub record as it travels from the source to the delivery operator.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields) so that it crosses the {@code keyBy}
 * without Kryo. Exactly one of {@link #tuple} (TUPLE topics: one string or null per schema field,
 * already rendered per SPEC §2) and {@link #blob} (BLOB topics: raw bytes) is set.
 */
public class ShardRecord {
    /** DataHub shard id, e.g. {@code "0"}. The delivery operator is keyed by it. */
    public String shardId;
    /** Per-shard sequence number, dense from the shard's first record. */
    public long sequence;
    /** DataHub system time of the record, epoch milliseconds. */
    public long systemTime;
    /** TUPLE values rendered as strings (null for a null field); null for BLOB topics. */
    public String[] tuple;
    /** BLOB payload; null for TUPLE topics. */
    public byte[] blob;
    /**
     * System time of the newest record in the shard when this record was fetched (epoch ms), or -1
     * if unknown. Lets the delivery operator report how far behind the shard's head it is.
     */
    public long shardLatestTime = -1L;

    public ShardRecord() {}

    public static ShardRecord tuple(String shardId, long sequence, long systemTime, String[] values) {
        ShardRecord r = new ShardRecord();
        r.shardId = shardId;
        r.sequence = sequence;
        r.systemTime = systemTime;
        r.tuple = values;
        return r;
    }

    public static ShardRecord blob(String shardId, long sequence, long systemTime, byte[] data) {
        ShardRecord r = new ShardRecord();
        r.shardId = shardId;
        r.sequence = sequence;
        r.systemTime = systemTime;
        r.blob = data;
        return r;
    }

    public boolean isBlob() {
        return blob != null;
    }

    /** "shardId:sequence", the event's eventId. */
    public String eventId() {
        return shardId + ':' + sequence;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof ShardRecord)) return false;
        ShardRecord r = (ShardRecord) o;
        return sequence == r.sequence
                && systemTime == r.systemTime
                && shardLatestTime == r.shardLatestTime
                && shardId.equals(r.shardId)
                && Arrays.equals(tuple, r.tuple)
                && Arrays.equals(blob, r.blob);
    }

    @Override
    public int hashCode() {
        return 31 * shardId.hashCode() + Long.hashCode(sequence);
    }

    /** Identity only: never the payload, which may hold user data. */
    @Override
    public String toString() {
        return "ShardRecord{" + eventId() + ", systemTime=" + systemTime + '}';
    }
}
