package io.datahubfcsync.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;

/**
 * The lanes' keyed state (key = shard id): one versioned {@link CheckpointedLane} blob per shard, so
 * that a rescale moves each shard's progress with its key, and the layout can change between
 * releases without losing savepoints.
 */
final class LaneStore {
    /**
     * Savepoints find the state by this name, so it stays as first released. The state holds plain
     * bytes (no class name of ours is written), so renaming the Java classes does not touch it.
     */
    static final String STATE_NAME = "shard-progress";

    private final ValueState<byte[]> state;
    private final KeyedStateBackend<String> backend;
    private final Consumer<String> setCurrentKey;

    LaneStore(KeyedStateStore store, KeyedStateBackend<String> backend, Consumer<String> setCurrentKey) {
        this.state = store.getState(
                new ValueStateDescriptor<>(STATE_NAME, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        this.backend = backend;
        this.setCurrentKey = setCurrentKey;
    }

    /** Every shard this subtask restored, with its progress. */
    Map<String, CheckpointedLane> restoreAll() throws Exception {
        List<String> shards;
        try (Stream<String> keys = backend.getKeys(STATE_NAME, VoidNamespace.INSTANCE)) {
            shards = keys.collect(Collectors.toList());
        }
        Map<String, CheckpointedLane> restored = new LinkedHashMap<>();
        for (String shardId : shards) {
            setCurrentKey.accept(shardId);
            byte[] bytes = state.value();
            if (bytes == null) continue;
            restored.put(
                    shardId,
                    SimpleVersionedSerialization.readVersionAndDeSerialize(CheckpointedLaneSerializer.INSTANCE, bytes));
        }
        return restored;
    }

    void write(String shardId, CheckpointedLane progress) throws Exception {
        setCurrentKey.accept(shardId);
        state.update(
                SimpleVersionedSerialization.writeVersionAndSerialize(CheckpointedLaneSerializer.INSTANCE, progress));
    }

    /** The shard is done with: its state goes away with the next checkpoint. */
    void remove(String shardId) {
        setCurrentKey.accept(shardId);
        state.clear();
    }
}
