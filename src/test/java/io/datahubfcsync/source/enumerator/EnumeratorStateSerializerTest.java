package io.datahubfcsync.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.source.client.CursorPosition;
import io.datahubfcsync.source.split.ShardSplit;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnumeratorStateSerializerTest {
    private final EnumeratorStateSerializer serializer = EnumeratorStateSerializer.INSTANCE;

    @Test
    void roundTripsAFullState() throws IOException {
        EnumeratorState state = new EnumeratorState(true, Set.of("0", "1", "10"),
                List.of(new ShardSplit("3", List.of("0", "1"), "0", "8", CursorPosition.oldest(), false),
                        new ShardSplit("4", List.of("2"), "8", "F", CursorPosition.sequence(42), false)),
                Map.of("2", 0, "5", 1));
        EnumeratorState back = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        assertThat(back).isEqualTo(state);
    }

    @Test
    void roundTripsTheInitialState() throws IOException {
        EnumeratorState back = serializer.deserialize(serializer.getVersion(),
                serializer.serialize(EnumeratorState.initial()));
        assertThat(back).isEqualTo(EnumeratorState.initial());
    }

    @Test
    void equalStatesGiveEqualBytes() throws IOException {
        EnumeratorState a = new EnumeratorState(true, Set.of("0", "1", "2", "3"), List.of(), Map.of("4", 0, "5", 1, "6", 0));
        EnumeratorState b = new EnumeratorState(true, Set.of("3", "2", "1", "0"), List.of(), Map.of("6", 0, "5", 1, "4", 0));
        assertThat(serializer.serialize(a)).isEqualTo(serializer.serialize(b));
    }

    @Test
    void rejectsAnUnknownVersion() {
        assertThatThrownBy(() -> serializer.deserialize(2, new byte[0])).isInstanceOf(IOException.class)
                .hasMessageContaining("version 2");
    }
}
