package io.datahubfcsync.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ShardRecordTest {

    private static ShardRecord roundTrip(ShardRecord r) throws Exception {
        TypeSerializer<ShardRecord> serializer =
                TypeInformation.of(ShardRecord.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(r, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void staysAFlinkPojoSoItCrossesTheKeyByWithoutKryo() {
        assertThat(TypeInformation.of(ShardRecord.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void recordsAndBothMarkersSurviveFlinksSerializer() throws Exception {
        ShardRecord blob = ShardRecord.blob("3", 41, 1_000, new byte[] {1, 2});
        ShardRecord tuple = ShardRecord.tuple("3", 42, 1_001, new String[] {"a", null});
        ShardRecord end = ShardRecord.end("3", 42);
        ShardRecord start = ShardRecord.start("7", new String[] {"3", "4"});
        for (ShardRecord r : new ShardRecord[] {blob, tuple, end, start}) {
            assertThat(roundTrip(r)).isEqualTo(r);
        }
        assertThat(roundTrip(end).isEnd()).isTrue();
        assertThat(roundTrip(start).parents).containsExactly("3", "4");
    }

    @Test
    void markersSayWhichTheyAreAndRecordsAreNoMarker() {
        ShardRecord end = ShardRecord.end("3", -1);
        ShardRecord start = ShardRecord.start("7", new String[] {"3"});
        ShardRecord record = ShardRecord.blob("3", 0, 1, new byte[0]);

        assertThat(end.isMarker()).isTrue();
        assertThat(end.isEnd()).isTrue();
        assertThat(end.isStart()).isFalse();
        assertThat(end.sequence).isEqualTo(-1);
        assertThat(start.isMarker()).isTrue();
        assertThat(start.isStart()).isTrue();
        assertThat(start.isEnd()).isFalse();
        assertThat(start.shardId).isEqualTo("7");
        assertThat(record.isMarker()).isFalse();
        assertThat(record.isStart() || record.isEnd()).isFalse();
        assertThat(end.toString()).isEqualTo("ShardRecord{END 3 after -1}");
        assertThat(start.toString()).isEqualTo("ShardRecord{START 7 after [3]}");
    }
}
