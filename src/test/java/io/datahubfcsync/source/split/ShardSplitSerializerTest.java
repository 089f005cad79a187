package io.datahubfcsync.source.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.source.client.CursorPosition;
import java.io.IOException;
import java.util.List;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ShardSplitSerializerTest {
    private final ShardSplitSerializer serializer = ShardSplitSerializer.INSTANCE;

    static List<ShardSplit> splits() {
        return List.of(
                new ShardSplit("0", List.of(), "00000000000000000000000000000000", "80000000000000000000000000000000",
                        CursorPosition.oldest(), false),
                new ShardSplit("12", List.of("3"), "8", "C", CursorPosition.sequence(123_456_789_012L), false),
                new ShardSplit("7", List.of("4", "5"), "", "", CursorPosition.systemTime(1_763_712_000_000L), false),
                new ShardSplit("4", List.of(), "0", "F", CursorPosition.sequence(0), true));
    }

    @ParameterizedTest
    @MethodSource("splits")
    void roundTrips(ShardSplit split) throws IOException {
        byte[] bytes = serializer.serialize(split);
        assertThat(serializer.deserialize(serializer.getVersion(), bytes)).isEqualTo(split);
    }

    /**
     * Bytes laid out by hand exactly as version 1 is documented: what a checkpoint of this release
     * holds. When a version 2 exists, this test keeps proving that v1 checkpoints still restore.
     */
    @Test
    void readsTheDocumentedVersion1Layout() throws IOException {
        DataOutputSerializer v1 = new DataOutputSerializer(64);
        v1.writeUTF("9");
        v1.writeInt(2);
        v1.writeUTF("1");
        v1.writeUTF("2");
        v1.writeUTF("40");
        v1.writeUTF("C0");
        v1.writeByte(2); // SEQUENCE
        v1.writeLong(77);
        v1.writeBoolean(false);

        ShardSplit split = serializer.deserialize(1, v1.getCopyOfBuffer());
        assertThat(split).isEqualTo(new ShardSplit("9", List.of("1", "2"), "40", "C0", CursorPosition.sequence(77), false));
    }

    @Test
    void rejectsAVersionItDoesNotKnowWithAClearMessage() {
        assertThatThrownBy(() -> serializer.deserialize(99, new byte[0]))
                .isInstanceOf(IOException.class).hasMessageContaining("version 99");
    }
}
