package io.datahubfcsync.delivery.coordination;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Versioned form of the coordinator's checkpoint: the shards delivered to their END.
 *
 * <p>Version 1: count (int), then each shard id (modified UTF-8).
 */
final class DeliveredShardsSerializer implements SimpleVersionedSerializer<Set<String>> {
    static final DeliveredShardsSerializer INSTANCE = new DeliveredShardsSerializer();
    private static final int VERSION_1 = 1;

    @Override
    public int getVersion() {
        return VERSION_1;
    }

    @Override
    public byte[] serialize(Set<String> shards) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16 + 8 * shards.size());
        out.writeInt(shards.size());
        for (String s : shards) out.writeUTF(s);
        return out.getCopyOfBuffer();
    }

    @Override
    public Set<String> deserialize(int version, byte[] bytes) throws IOException {
        if (version != VERSION_1) {
            throw new IOException("Delivery coordinator state of version " + version + " is newer than this release"
                    + " understands (it reads version " + VERSION_1 + "); restore with the release that wrote it");
        }
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        int n = in.readInt();
        Set<String> shards = new TreeSet<>();
        for (int i = 0; i < n; i++) shards.add(in.readUTF());
        return shards;
    }

    static byte[] write(Set<String> shards) throws IOException {
        return SimpleVersionedSerialization.writeVersionAndSerialize(INSTANCE, shards);
    }

    static Set<String> read(byte[] bytes) throws IOException {
        return SimpleVersionedSerialization.readVersionAndDeSerialize(INSTANCE, bytes);
    }
}
