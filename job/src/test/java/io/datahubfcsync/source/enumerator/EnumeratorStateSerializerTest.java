package io.datahubfcsync.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.source.split.ShardSplit;
import io.datahubfcsync.source.split.ShardSplitSerializer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class EnumeratorStateSerializerTest {
    private final EnumeratorStateSerializer serializer = EnumeratorStateSerializer.INSTANCE;

    @Test
    void roundTripsAFullState() throws IOException {
        EnumeratorState state = new EnumeratorState(
                true,
                Set.of("0", "1", "10"),
                List.of(
                        new ShardSplit("3", List.of("0", "1"), "0", "8", CursorPosition.oldest(), false),
                        new ShardSplit("4", List.of("2"), "8", "F", CursorPosition.sequence(42), false)),
                Map.of("2", 0, "5", 1),
                Set.of("1"));
        EnumeratorState back = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        assertThat(back).isEqualTo(state);
    }

    @Test
    void roundTripsTheInitialState() throws IOException {
        EnumeratorState back =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(EnumeratorState.initial()));
        assertThat(back).isEqualTo(EnumeratorState.initial());
    }

    @Test
    void equalStatesGiveEqualBytes() throws IOException {
        EnumeratorState a =
                new EnumeratorState(true, Set.of("0", "1", "2", "3"), List.of(), Map.of("4", 0, "5", 1, "6", 0));
        EnumeratorState b =
                new EnumeratorState(true, Set.of("3", "2", "1", "0"), List.of(), Map.of("6", 0, "5", 1, "4", 0));
        assertThat(serializer.serialize(a)).isEqualTo(serializer.serialize(b));
    }

    @Test
    void rejectsAnUnknownVersion() {
        assertThatThrownBy(() -> serializer.deserialize(3, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 3");
    }

    /** Version 2 bytes written out by hand as documented: what checkpoints of this release hold. */
    @Test
    void writesAndReadsTheDocumentedVersion2Layout() throws IOException {
        ShardSplit pending = new ShardSplit("3", List.of("0"), "0", "8", CursorPosition.oldest(), false);
        DataOutputSerializer v2 = new DataOutputSerializer(128);
        v2.writeBoolean(true);
        v2.writeInt(2);
        v2.writeUTF("0");
        v2.writeUTF("1");
        v2.writeInt(1);
        byte[] split = ShardSplitSerializer.INSTANCE.serialize(pending);
        v2.writeInt(ShardSplitSerializer.INSTANCE.getVersion());
        v2.writeInt(split.length);
        v2.write(split);
        v2.writeInt(1);
        v2.writeUTF("2");
        v2.writeInt(1);
        v2.writeInt(1);
        v2.writeUTF("1");
        EnumeratorState state =
                new EnumeratorState(true, Set.of("0", "1"), List.of(pending), Map.of("2", 1), Set.of("1"));

        assertThat(serializer.getVersion()).isEqualTo(2);
        assertThat(serializer.serialize(state)).isEqualTo(v2.getCopyOfBuffer());
        assertThat(serializer.deserialize(2, v2.getCopyOfBuffer())).isEqualTo(state);
    }

    /** A version 1 state comes from a release without markers: none of its finished shards sent an END marker. */
    @Test
    void readsVersion1StateWithEveryFinishedShardWithoutEndMarker() throws IOException {
        DataOutputSerializer v1 = new DataOutputSerializer(64);
        v1.writeBoolean(true);
        v1.writeInt(2);
        v1.writeUTF("0");
        v1.writeUTF("1");
        v1.writeInt(0);
        v1.writeInt(1);
        v1.writeUTF("2");
        v1.writeInt(0);
        assertThat(serializer.deserialize(1, v1.getCopyOfBuffer()))
                .isEqualTo(new EnumeratorState(true, Set.of("0", "1"), List.of(), Map.of("2", 0), Set.of("0", "1")));
    }
}
