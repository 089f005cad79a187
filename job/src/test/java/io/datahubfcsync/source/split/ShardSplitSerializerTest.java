package io.datahubfcsync.source.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.datahub.CursorPosition;
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
                new ShardSplit(
                        "0",
                        List.of(),
                        "00000000000000000000000000000000",
                        "80000000000000000000000000000000",
                        CursorPosition.oldest(),
                        false),
                new ShardSplit("12", List.of("3"), "8", "C", CursorPosition.sequence(123_456_789_012L), false),
                new ShardSplit("7", List.of("4", "5"), "", "", CursorPosition.systemTime(1_763_712_000_000L), false),
                new ShardSplit("4", List.of(), "0", "F", CursorPosition.sequence(0), true),
                new ShardSplit(
                        "8", List.of("6", "7"), "0", "F", CursorPosition.sequence(31), false, List.of("7"), 30, true),
                new ShardSplit("6", List.of(), "0", "F", CursorPosition.sequence(5), true, List.of(), 4, false));
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
        // a release without markers: the split awaits no parent, and everything before 77 was read
        assertThat(split)
                .isEqualTo(new ShardSplit(
                        "9", List.of("1", "2"), "40", "C0", CursorPosition.sequence(77), false, List.of(), 76, true));
    }

    @Test
    void aFinishedVersion1SplitSentNoEndMarkerAndAnUnreadOneReadNothing() throws IOException {
        DataOutputSerializer v1 = new DataOutputSerializer(64);
        v1.writeUTF("4");
        v1.writeInt(0);
        v1.writeUTF("0");
        v1.writeUTF("F");
        v1.writeByte(1); // OLDEST
        v1.writeLong(0);
        v1.writeBoolean(true);
        ShardSplit split = serializer.deserialize(1, v1.getCopyOfBuffer());
        assertThat(split.endMarkerSent()).isFalse();
        assertThat(split.lastReadSequence()).isEqualTo(-1);
    }

    /** Version 2 bytes laid out by hand as documented: what checkpoints of this release hold. */
    @Test
    void writesAndReadsTheDocumentedVersion2Layout() throws IOException {
        DataOutputSerializer v2 = new DataOutputSerializer(64);
        v2.writeUTF("9");
        v2.writeInt(2);
        v2.writeUTF("1");
        v2.writeUTF("2");
        v2.writeUTF("40");
        v2.writeUTF("C0");
        v2.writeByte(2); // SEQUENCE
        v2.writeLong(77);
        v2.writeBoolean(false);
        v2.writeInt(1); // awaited parents
        v2.writeUTF("2");
        v2.writeLong(76); // last read sequence
        v2.writeBoolean(true); // END marker sent
        ShardSplit split = new ShardSplit(
                "9", List.of("1", "2"), "40", "C0", CursorPosition.sequence(77), false, List.of("2"), 76, true);

        assertThat(serializer.getVersion()).isEqualTo(2);
        assertThat(serializer.serialize(split)).isEqualTo(v2.getCopyOfBuffer());
        assertThat(serializer.deserialize(2, v2.getCopyOfBuffer())).isEqualTo(split);
    }

    @Test
    void rejectsAVersionItDoesNotKnowWithAClearMessage() {
        assertThatThrownBy(() -> serializer.deserialize(99, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 99");
    }
}
