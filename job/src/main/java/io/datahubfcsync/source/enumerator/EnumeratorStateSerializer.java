package io.datahubfcsync.source.enumerator;

import io.datahubfcsync.source.split.ShardSplit;
import io.datahubfcsync.source.split.ShardSplitSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Versioned bytes of the {@link EnumeratorState}.
 *
 * <p>Version 1 layout: startResolved flag; finished ids (count + UTFs); pending splits (count, then
 * each as {@code int version + int length + bytes} of {@link ShardSplitSerializer}, so the split
 * format can evolve on its own); assigned shards (count + UTF id + int subtask).
 *
 * <p>Version 2 layout: the version 1 fields, then the finished shards without END marker (count +
 * UTFs). Version 1 state comes from a release that emitted no markers, so every shard it lists as
 * finished is one without END marker.
 *
 * <p>Evolving it: keep a {@code case 1} reader of this exact layout forever; a version 2 adds its
 * fields after the v1 ones (or rewrites the layout) and its reader fills defaults when it is handed
 * v1 bytes. Sets and maps are written in sorted order so equal states give equal bytes.
 */
public final class EnumeratorStateSerializer implements SimpleVersionedSerializer<EnumeratorState> {
    public static final EnumeratorStateSerializer INSTANCE = new EnumeratorStateSerializer();

    static final int CURRENT_VERSION = 2;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(EnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeBoolean(state.startResolved());
        Set<String> finished = new TreeSet<>(state.finishedShardIds());
        out.writeInt(finished.size());
        for (String id : finished) out.writeUTF(id);
        ShardSplitSerializer splits = ShardSplitSerializer.INSTANCE;
        out.writeInt(state.pendingSplits().size());
        for (ShardSplit s : state.pendingSplits()) {
            byte[] bytes = splits.serialize(s);
            out.writeInt(splits.getVersion());
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        Map<String, Integer> assigned = new TreeMap<>(state.assignedShards());
        out.writeInt(assigned.size());
        for (Map.Entry<String, Integer> e : assigned.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue());
        }
        Set<String> withoutEnd = new TreeSet<>(state.finishedWithoutEndMarker());
        out.writeInt(withoutEnd.size());
        for (String id : withoutEnd) out.writeUTF(id);
        return out.getCopyOfBuffer();
    }

    @Override
    public EnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1 && version != 2) {
            throw new IOException("Unknown DataHub enumerator state version " + version
                    + " (this release reads 1 and 2); the checkpoint was written by a newer release of the job");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        boolean startResolved = in.readBoolean();
        int finishedCount = in.readInt();
        Set<String> finished = new HashSet<>();
        for (int i = 0; i < finishedCount; i++) finished.add(in.readUTF());
        int pendingCount = in.readInt();
        List<ShardSplit> pending = new ArrayList<>(pendingCount);
        for (int i = 0; i < pendingCount; i++) {
            int splitVersion = in.readInt();
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            pending.add(ShardSplitSerializer.INSTANCE.deserialize(splitVersion, bytes));
        }
        int assignedCount = in.readInt();
        Map<String, Integer> assigned = new HashMap<>();
        for (int i = 0; i < assignedCount; i++) assigned.put(in.readUTF(), in.readInt());
        Set<String> withoutEnd = new HashSet<>();
        if (version == 1) {
            withoutEnd.addAll(finished);
        } else {
            int withoutEndCount = in.readInt();
            for (int i = 0; i < withoutEndCount; i++) withoutEnd.add(in.readUTF());
        }
        return new EnumeratorState(startResolved, finished, pending, assigned, withoutEnd);
    }
}
