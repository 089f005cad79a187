package io.datahubfcsync.event;

import java.util.Arrays;

/**
 * One DataHub record, or one in-band marker, as it travels from the source to the delivery operator.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields) so that it crosses the {@code keyBy}
 * without Kryo. For a record, exactly one of {@link #tuple} (TUPLE topics: one string or null per
 * schema field, already rendered as the event carries it) and {@link #blob} (BLOB topics: raw bytes) is set.
 *
 * <p>Markers travel the same way, keyed by the shard they are about, so they reach the shard's
 * delivery lane in order with its records:
 * <ul>
 *   <li>{@linkplain #end END}: the source finished the shard (it is sealed and read to its end, or
 *       reached the stop time, or is gone); no record of the shard follows. {@link #sequence} is
 *       the last sequence this job read of the shard, -1 if it read none.</li>
 *   <li>{@linkplain #start START}: comes before the first record of a child shard, and again
 *       after every restore of its split. {@link #parents} are the parents whose records must all
 *       be delivered before any record of this child: the parents this job read; parents whose
 *       data expired before this job read them are not awaited.</li>
 * </ul>
 * Markers carry no payload ({@link #tuple} and {@link #blob} are null) and are never stored.
 */
public class ShardRecord {
    /** What a marker says; null for a record. */
    public enum Marker {
        START,
        END
    }

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
    /**
     * True when the source read this record together with the next record of its shard and hands
     * that one on right behind it: a delivery lane with nothing in flight waits for the rest of the
     * read rather than sending its first record on its own. False for the last record of a read,
     * for markers and for records read back by the delivery operator itself.
     */
    public boolean readContinues;
    /** Null for a record; which marker this is otherwise. */
    public Marker marker;
    /** START only: the parent shards whose delivery this child waits for; null otherwise. */
    public String[] parents;

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

    /** END marker: {@code shardId} is finished; {@code lastSequence} is the last one read, -1 if none. */
    public static ShardRecord end(String shardId, long lastSequence) {
        ShardRecord r = new ShardRecord();
        r.marker = Marker.END;
        r.shardId = shardId;
        r.sequence = lastSequence;
        return r;
    }

    /** START marker: {@code childId}'s records wait until every record read of {@code parents} was delivered. */
    public static ShardRecord start(String childId, String[] parents) {
        ShardRecord r = new ShardRecord();
        r.marker = Marker.START;
        r.shardId = childId;
        r.sequence = -1L;
        r.parents = parents.clone();
        return r;
    }

    public boolean isMarker() {
        return marker != null;
    }

    public boolean isEnd() {
        return marker == Marker.END;
    }

    public boolean isStart() {
        return marker == Marker.START;
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
                && marker == r.marker
                && shardId.equals(r.shardId)
                && Arrays.equals(parents, r.parents)
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
        if (marker == Marker.END) return "ShardRecord{END " + shardId + " after " + sequence + '}';
        if (marker == Marker.START) return "ShardRecord{START " + shardId + " after " + Arrays.toString(parents) + '}';
        return "ShardRecord{" + eventId() + ", systemTime=" + systemTime + '}';
    }
}
