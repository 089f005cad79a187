package io.datahubfcsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.event.ShardRecord;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.junit.jupiter.api.Test;

class ShardProgressSerializerTest {
    @Test
    void roundTripsEveryField() throws Exception {
        ShardRecord tuple = ShardRecord.tuple("7", 41, 1463000123000L, new String[] {"a", null, "中文 \"q\"", ""});
        tuple.shardLatestTime = 1463000999000L;
        ShardRecord blob = ShardRecord.blob("7", 42, 1463000124000L, new byte[] {(byte) 0xFF, 0, 1});
        ShardProgress p = new ShardProgress(40, 1463000122000L, 1463000999000L, 3, 1, "FUNCTION_ERROR boom", "req-1",
                List.of(tuple, blob));

        byte[] bytes = SimpleVersionedSerialization.writeVersionAndSerialize(ShardProgressSerializer.INSTANCE, p);
        ShardProgress back = SimpleVersionedSerialization.readVersionAndDeSerialize(ShardProgressSerializer.INSTANCE, bytes);

        assertThat(back.deliveredSequence).isEqualTo(40);
        assertThat(back.deliveredSystemTime).isEqualTo(1463000122000L);
        assertThat(back.newestKnownTime).isEqualTo(1463000999000L);
        assertThat(back.failedAttempts).isEqualTo(3);
        assertThat(back.inFlightRecords).isEqualTo(1);
        assertThat(back.lastError).isEqualTo("FUNCTION_ERROR boom");
        assertThat(back.lastRequestId).isEqualTo("req-1");
        assertThat(back.pending).containsExactly(tuple, blob);
    }

    @Test
    void emptyProgressWithoutErrorsRoundTrips() throws Exception {
        ShardProgress p = new ShardProgress(-1, -1, -1, 0, 0, null, null, List.of());
        ShardProgress back = ShardProgressSerializer.INSTANCE.deserialize(1, ShardProgressSerializer.INSTANCE.serialize(p));
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
        ShardProgress p = SimpleVersionedSerialization.readVersionAndDeSerialize(ShardProgressSerializer.INSTANCE,
                HexFormat.of().parseHex(VERSION_1_BYTES));

        assertThat(p.deliveredSequence).isEqualTo(40);
        assertThat(p.deliveredSystemTime).isEqualTo(1463000122000L);
        assertThat(p.newestKnownTime).isEqualTo(1463000999000L);
        assertThat(p.failedAttempts).isEqualTo(3);
        assertThat(p.inFlightRecords).isEqualTo(1);
        assertThat(p.lastError).isEqualTo("boom");
        assertThat(p.lastRequestId).isEqualTo("req-1");
        ShardRecord tuple = ShardRecord.tuple("7", 41, 1463000123000L, new String[] {"a", null, "中"});
        tuple.shardLatestTime = 1463000999000L;
        assertThat(p.pending).containsExactly(tuple,
                ShardRecord.blob("7", 42, 1463000124000L, new byte[] {(byte) 0xFF, 0, 1}));
    }

    @Test
    void refusesAVersionItDoesNotKnowWithAClearMessage() {
        assertThatThrownBy(() -> ShardProgressSerializer.INSTANCE.deserialize(2, new byte[0]))
                .isInstanceOf(IOException.class).hasMessageContaining("version 2");
    }
}
