package io.datahubfcsync.delivery;

import io.datahubfcsync.event.ShardRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.StringUtils;

/**
 * Versioned binary form of {@link CheckpointedLane}. Savepoints outlive releases: a new layout gets a
 * new version number and {@link #deserialize} keeps reading every older one.
 *
 * <p>Version 1: deliveredSequence, deliveredSystemTime, newestKnownTime (longs), failedAttempts,
 * inFlightRecords (ints), lastError, lastRequestId (nullable strings), then the pending records:
 * count, and per record shardId, sequence, systemTime, shardLatestTime, a kind byte (0 tuple, 1
 * blob, 2 neither) and its values (count + nullable strings) or bytes (length + bytes).
 *
 * <p>Version 2: version 1, then runId (nullable string), gapFrom, gapTo, endSequence (longs), the
 * parents (count + strings) and parentsDelivered (boolean).
 */
final class CheckpointedLaneSerializer implements SimpleVersionedSerializer<CheckpointedLane> {
    static final CheckpointedLaneSerializer INSTANCE = new CheckpointedLaneSerializer();
    private static final int VERSION_1 = 1;
    private static final int VERSION_2 = 2;
    private static final byte TUPLE = 0;
    private static final byte BLOB = 1;
    private static final byte EMPTY = 2;

    @Override
    public int getVersion() {
        return VERSION_2;
    }

    @Override
    public byte[] serialize(CheckpointedLane p) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeLong(p.deliveredSequence);
        out.writeLong(p.deliveredSystemTime);
        out.writeLong(p.newestKnownTime);
        out.writeInt(p.failedAttempts);
        out.writeInt(p.inFlightRecords);
        StringUtils.writeNullableString(p.lastError, out);
        StringUtils.writeNullableString(p.lastRequestId, out);
        out.writeInt(p.pending.size());
        for (ShardRecord r : p.pending) {
            StringUtils.writeString(r.shardId, out);
            out.writeLong(r.sequence);
            out.writeLong(r.systemTime);
            out.writeLong(r.shardLatestTime);
            if (r.tuple != null) {
                out.writeByte(TUPLE);
                out.writeInt(r.tuple.length);
                for (String v : r.tuple) StringUtils.writeNullableString(v, out);
            } else if (r.blob != null) {
                out.writeByte(BLOB);
                out.writeInt(r.blob.length);
                out.write(r.blob);
            } else {
                out.writeByte(EMPTY);
            }
        }
        StringUtils.writeNullableString(p.runId, out);
        out.writeLong(p.gapFrom);
        out.writeLong(p.gapTo);
        out.writeLong(p.endSequence);
        out.writeInt(p.parents.size());
        for (String parent : p.parents) StringUtils.writeString(parent, out);
        out.writeBoolean(p.parentsDelivered);
        return out.getCopyOfBuffer();
    }

    @Override
    public CheckpointedLane deserialize(int version, byte[] bytes) throws IOException {
        if (version != VERSION_1 && version != VERSION_2) {
            throw new IOException("Delivery state of version " + version + " is newer than this release understands"
                    + " (it reads versions " + VERSION_1 + " and " + VERSION_2
                    + "); restore with the release that wrote"
                    + " the checkpoint");
        }
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        long deliveredSequence = in.readLong();
        long deliveredSystemTime = in.readLong();
        long newestKnownTime = in.readLong();
        int failedAttempts = in.readInt();
        int inFlight = in.readInt();
        String lastError = StringUtils.readNullableString(in);
        String lastRequestId = StringUtils.readNullableString(in);
        int n = in.readInt();
        List<ShardRecord> pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ShardRecord r = new ShardRecord();
            r.shardId = StringUtils.readString(in);
            r.sequence = in.readLong();
            r.systemTime = in.readLong();
            r.shardLatestTime = in.readLong();
            byte kind = in.readByte();
            if (kind == TUPLE) {
                String[] values = new String[in.readInt()];
                for (int k = 0; k < values.length; k++) values[k] = StringUtils.readNullableString(in);
                r.tuple = values;
            } else if (kind == BLOB) {
                byte[] blob = new byte[in.readInt()];
                in.readFully(blob);
                r.blob = blob;
            } else if (kind != EMPTY) {
                throw new IOException("corrupt delivery state: unknown record kind " + kind);
            }
            pending.add(r);
        }
        if (version == VERSION_1) {
            return new CheckpointedLane(
                    deliveredSequence,
                    deliveredSystemTime,
                    newestKnownTime,
                    failedAttempts,
                    inFlight,
                    lastError,
                    lastRequestId,
                    pending);
        }
        String runId = StringUtils.readNullableString(in);
        long gapFrom = in.readLong();
        long gapTo = in.readLong();
        long endSequence = in.readLong();
        int parentCount = in.readInt();
        List<String> parents = new ArrayList<>(parentCount);
        for (int i = 0; i < parentCount; i++) parents.add(StringUtils.readString(in));
        boolean parentsDelivered = in.readBoolean();
        return new CheckpointedLane(
                deliveredSequence,
                deliveredSystemTime,
                newestKnownTime,
                failedAttempts,
                inFlight,
                lastError,
                lastRequestId,
                pending,
                runId,
                gapFrom,
                gapTo,
                endSequence,
                parents,
                parentsDelivered);
    }
}
