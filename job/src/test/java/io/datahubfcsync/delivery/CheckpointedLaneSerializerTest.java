package io.datahubfcsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.event.ShardRecord;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.junit.jupiter.api.Test;

class CheckpointedLaneSerializerTest {
    @Test
    void roundTripsEveryField() throws Exception {
        ShardRecord tuple = ShardRecord.tuple("7", 41, 1463000123000L, new String[] {"a", null, "中文 \"q\"", ""});
        tuple.shardLatestTime = 1463000999000L;
        ShardRecord blob = ShardRecord.blob("7", 42, 1463000124000L, new byte[] {(byte) 0xFF, 0, 1});
        CheckpointedLane p = new CheckpointedLane(
                40,
                1463000122000L,
                1463000999000L,
                3,
                1,
                "FUNCTION_ERROR boom",
                "req-1",
                List.of(tuple, blob),
                "8c1f0a0e2b9d4c6e8c1f0a0e2b9d4c6e",
                43,
                97,
                120,
                List.of("1", "2"),
                false);

        byte[] bytes = SimpleVersionedSerialization.writeVersionAndSerialize(CheckpointedLaneSerializer.INSTANCE, p);
        CheckpointedLane back =
                SimpleVersionedSerialization.readVersionAndDeSerialize(CheckpointedLaneSerializer.INSTANCE, bytes);

        assertThat(back.deliveredSequence).isEqualTo(40);
        assertThat(back.deliveredSystemTime).isEqualTo(1463000122000L);
        assertThat(back.newestKnownTime).isEqualTo(1463000999000L);
        assertThat(back.failedAttempts).isEqualTo(3);
        assertThat(back.inFlightRecords).isEqualTo(1);
        assertThat(back.lastError).isEqualTo("FUNCTION_ERROR boom");
        assertThat(back.lastRequestId).isEqualTo("req-1");
        assertThat(back.pending).containsExactly(tuple, blob);
        assertThat(back.runId).isEqualTo("8c1f0a0e2b9d4c6e8c1f0a0e2b9d4c6e");
        assertThat(back.gapFrom).isEqualTo(43);
        assertThat(back.gapTo).isEqualTo(97);
        assertThat(back.endSequence).isEqualTo(120);
        assertThat(back.parents).containsExactly("1", "2");
        assertThat(back.parentsDelivered).isFalse();
    }

    @Test
    void emptyProgressWithoutErrorsRoundTrips() throws Exception {
        CheckpointedLane p = new CheckpointedLane(-1, -1, -1, 0, 0, null, null, List.of());
        CheckpointedLane back = CheckpointedLaneSerializer.INSTANCE.deserialize(
                CheckpointedLaneSerializer.INSTANCE.getVersion(), CheckpointedLaneSerializer.INSTANCE.serialize(p));
        assertThat(back.pending).isEmpty();
        assertThat(back.lastError).isNull();
        assertThat(back.deliveredSequence).isEqualTo(-1);
    }

    /**
     * Bytes written by version 1 (a checkpoint of a shard retrying a one-record batch), frozen here:
     * savepoints outlive releases, so whatever layout comes next must keep restoring exactly this.
     */
    private static final String VERSION_1_BYTES = "00000001" + "0000007b" // version, length
            + "0000000000000028" + "00000154a19a4290" + "00000154a1a7a458" // delivered 40 at ..122000, newest ..999000
            + "00000003" + "00000001" // 3 failed attempts, 1 record in flight
            + "0105626f6f6d" + "01067265712d31" // lastError "boom", lastRequestId "req-1"
            + "00000002" // 2 pending records
            + "0237" + "0000000000000029" + "00000154a19a4678" + "00000154a1a7a458" // "7":41, tuple
            + "00" + "00000003" + "010261" + "00" + "0102ad9c01" // ["a", null, "中"]
            + "0237" + "000000000000002a" + "00000154a19a4a60" + "ffffffffffffffff" // "7":42, blob
            + "01" + "00000003" + "ff0001";

    @Test
    void readsTheBytesVersion1Wrote() throws Exception {
        CheckpointedLane p = SimpleVersionedSerialization.readVersionAndDeSerialize(
                CheckpointedLaneSerializer.INSTANCE, HexFormat.of().parseHex(VERSION_1_BYTES));

        assertThat(p.deliveredSequence).isEqualTo(40);
        assertThat(p.deliveredSystemTime).isEqualTo(1463000122000L);
        assertThat(p.newestKnownTime).isEqualTo(1463000999000L);
        assertThat(p.failedAttempts).isEqualTo(3);
        assertThat(p.inFlightRecords).isEqualTo(1);
        assertThat(p.lastError).isEqualTo("boom");
        assertThat(p.lastRequestId).isEqualTo("req-1");
        ShardRecord tuple = ShardRecord.tuple("7", 41, 1463000123000L, new String[] {"a", null, "中"});
        tuple.shardLatestTime = 1463000999000L;
        assertThat(p.pending).containsExactly(tuple, ShardRecord.blob("7", 42, 1463000124000L, new byte[] {
            (byte) 0xFF, 0, 1
        }));
        assertThat(p.runId)
                .as("version 1 kept no run: a restore of it is a new run")
                .isNull();
        assertThat(p.gapFrom).isEqualTo(-1);
        assertThat(p.endSequence).isEqualTo(CheckpointedLane.NO_END);
        assertThat(p.parents).isEmpty();
        assertThat(p.parentsDelivered).isTrue();
    }

    /**
     * Bytes written by version 2 (a child shard retrying a one-record batch in run "ab12", with
     * sequences 43..97 let go for catch-up, its END at 120, waiting for parents "1" and "2"), frozen.
     */
    private static final String VERSION_2_BYTES = "00000002" + "00000074" // version, length
            + "0000000000000028" + "00000154a19a4290" + "00000154a1a7a458" // delivered 40 at ..122000, newest ..999000
            + "00000003" + "00000001" // 3 failed attempts, 1 record in flight
            + "0105626f6f6d" + "00" // lastError "boom", no lastRequestId
            + "00000001" // 1 pending record
            + "0237" + "000000000000002a" + "00000154a19a4a60" + "ffffffffffffffff" // "7":42, blob
            + "01" + "00000003" + "ff0001"
            + "010561623132" // runId "ab12"
            + "000000000000002b" + "0000000000000061" + "0000000000000078" // gap 43..97, end 120
            + "00000002" + "0231" + "0232" + "00"; // parents "1", "2", not delivered yet

    @Test
    void readsTheBytesVersion2Wrote() throws Exception {
        CheckpointedLane p = SimpleVersionedSerialization.readVersionAndDeSerialize(
                CheckpointedLaneSerializer.INSTANCE, HexFormat.of().parseHex(VERSION_2_BYTES));

        assertThat(p.deliveredSequence).isEqualTo(40);
        assertThat(p.failedAttempts).isEqualTo(3);
        assertThat(p.inFlightRecords).isEqualTo(1);
        assertThat(p.lastError).isEqualTo("boom");
        assertThat(p.lastRequestId).isNull();
        assertThat(p.pending)
                .containsExactly(ShardRecord.blob("7", 42, 1463000124000L, new byte[] {(byte) 0xFF, 0, 1}));
        assertThat(p.runId).isEqualTo("ab12");
        assertThat(p.gapFrom).isEqualTo(43);
        assertThat(p.gapTo).isEqualTo(97);
        assertThat(p.endSequence).isEqualTo(120);
        assertThat(p.parents).containsExactly("1", "2");
        assertThat(p.parentsDelivered).isFalse();
    }

    @Test
    void writesVersion2ExactlyAsFrozen() throws Exception {
        CheckpointedLane p = new CheckpointedLane(
                40,
                1463000122000L,
                1463000999000L,
                3,
                1,
                "boom",
                null,
                List.of(ShardRecord.blob("7", 42, 1463000124000L, new byte[] {(byte) 0xFF, 0, 1})),
                "ab12",
                43,
                97,
                120,
                List.of("1", "2"),
                false);
        assertThat(HexFormat.of()
                        .formatHex(SimpleVersionedSerialization.writeVersionAndSerialize(
                                CheckpointedLaneSerializer.INSTANCE, p)))
                .isEqualTo(VERSION_2_BYTES);
    }

    @Test
    void refusesAVersionItDoesNotKnowWithAClearMessage() {
        assertThatThrownBy(() -> CheckpointedLaneSerializer.INSTANCE.deserialize(3, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 3");
    }
}
