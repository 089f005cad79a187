package io.datahubfcsync.source.split;

import io.datahubfcsync.datahub.CursorPosition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Versioned bytes of a {@link ShardSplit}, stored in every reader checkpoint.
 *
 * <p>Version 1 layout: shard id, parent count + ids, begin and end hash key (UTF), position kind
 * code (byte) + value (long), finished flag.
 *
 * <p>Version 2 layout: the version 1 fields, then the awaited parents (count + ids), the last
 * sequence read (long, -1 for none) and the END-marker-sent flag. A version 1 split comes from a
 * release without delivery-order markers: it awaits no parent (its delivery never waited), its
 * last read sequence is the one before its position, and a finished one never sent an END marker.
 *
 * <p>Evolving it: never change how version 1 is read. A version 2 writes its new layout and bumps
 * {@link #CURRENT_VERSION}; {@link #deserialize} keeps a {@code case 1} that reads the v1 layout and
 * fills the fields v1 did not have with their defaults, so checkpoints taken by the previous
 * release restore. The position kind is written as a stable byte code, not an enum ordinal
 * reordering could break.
 */
public final class ShardSplitSerializer implements SimpleVersionedSerializer<ShardSplit> {
    public static final ShardSplitSerializer INSTANCE = new ShardSplitSerializer();

    static final int CURRENT_VERSION = 2;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(ShardSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public ShardSplit deserialize(int version, byte[] serialized) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        return switch (version) {
            case 1 -> readV1(in);
            case 2 -> readV2(in);
            default ->
                throw new IOException("Unknown DataHub shard split version " + version
                        + " (this release reads 1 and 2); the checkpoint was written by a newer release of the job");
        };
    }

    /**
     * The current (version 2) layout of one split. The enumerator state does not call this: it embeds
     * each pending split as the versioned bytes of {@link #serialize}, so the split format evolves on its own.
     */
    static void write(ShardSplit split, DataOutputView out) throws IOException {
        out.writeUTF(split.shardId());
        out.writeInt(split.parentIds().size());
        for (String p : split.parentIds()) out.writeUTF(p);
        out.writeUTF(split.beginHashKey());
        out.writeUTF(split.endHashKey());
        out.writeByte(positionCode(split.position().kind()));
        out.writeLong(split.position().value());
        out.writeBoolean(split.isFinished());
        out.writeInt(split.awaitedParents().size());
        for (String p : split.awaitedParents()) out.writeUTF(p);
        out.writeLong(split.lastReadSequence());
        out.writeBoolean(split.endMarkerSent());
    }

    static ShardSplit readV2(DataInputView in) throws IOException {
        ShardSplit v1 = readV1Fields(in);
        int awaitedCount = in.readInt();
        List<String> awaited = new ArrayList<>(awaitedCount);
        for (int i = 0; i < awaitedCount; i++) awaited.add(in.readUTF());
        long lastRead = in.readLong();
        boolean endMarkerSent = in.readBoolean();
        return new ShardSplit(
                v1.shardId(),
                v1.parentIds(),
                v1.beginHashKey(),
                v1.endHashKey(),
                v1.position(),
                v1.isFinished(),
                awaited,
                lastRead,
                endMarkerSent);
    }

    static ShardSplit readV1(DataInputView in) throws IOException {
        ShardSplit v1 = readV1Fields(in);
        CursorPosition p = v1.position();
        long lastRead = p.kind() == CursorPosition.Kind.SEQUENCE ? p.value() - 1 : -1;
        return new ShardSplit(
                v1.shardId(),
                v1.parentIds(),
                v1.beginHashKey(),
                v1.endHashKey(),
                p,
                v1.isFinished(),
                List.of(),
                lastRead,
                !v1.isFinished());
    }

    private static ShardSplit readV1Fields(DataInputView in) throws IOException {
        String shardId = in.readUTF();
        int parents = in.readInt();
        List<String> parentIds = new ArrayList<>(parents);
        for (int i = 0; i < parents; i++) parentIds.add(in.readUTF());
        String begin = in.readUTF();
        String end = in.readUTF();
        CursorPosition.Kind kind = positionKind(in.readByte(), shardId);
        long value = in.readLong();
        boolean finished = in.readBoolean();
        return new ShardSplit(shardId, parentIds, begin, end, new CursorPosition(kind, value), finished);
    }

    private static int positionCode(CursorPosition.Kind kind) {
        return switch (kind) {
            case OLDEST -> 1;
            case SEQUENCE -> 2;
            case SYSTEM_TIME -> 3;
            case LATEST -> throw new IllegalStateException("LATEST is never stored");
        };
    }

    private static CursorPosition.Kind positionKind(byte code, String shardId) throws IOException {
        return switch (code) {
            case 1 -> CursorPosition.Kind.OLDEST;
            case 2 -> CursorPosition.Kind.SEQUENCE;
            case 3 -> CursorPosition.Kind.SYSTEM_TIME;
            default -> throw new IOException("Corrupt split state for shard " + shardId + ": position code " + code);
        };
    }
}
