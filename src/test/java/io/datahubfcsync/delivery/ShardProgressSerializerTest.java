package io.datahubfcsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.event.ShardRecord;
import java.io.IOException;
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

    @Test
    void refusesAVersionItDoesNotKnowWithAClearMessage() {
        assertThatThrownBy(() -> ShardProgressSerializer.INSTANCE.deserialize(2, new byte[0]))
                .isInstanceOf(IOException.class).hasMessageContaining("version 2");
    }
}
