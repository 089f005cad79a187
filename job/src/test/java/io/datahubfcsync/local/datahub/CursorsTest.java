package io.datahubfcsync.local.datahub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CursorsTest {

    @Test
    void roundTripsTheSequenceAsThirtyTwoHexDigits() {
        for (long seq : new long[] {0, 1, 255, 1L << 40, Long.MAX_VALUE}) {
            String c = Cursors.encode(7, 3, seq);
            assertThat(c).hasSize(32).matches("[0-9a-f]{32}");
            assertThat(Cursors.decode(c, 7, 3)).isEqualTo(seq);
            assertThat(Cursors.decode(c.toUpperCase(), 7, 3)).isEqualTo(seq);
        }
    }

    @Test
    void aCursorOfAnotherShardOrTopicIsInvalid() {
        String c = Cursors.encode(7, 3, 42);
        assertThatThrownBy(() -> Cursors.decode(c, 7, 4))
                .isInstanceOf(ServiceError.class)
                .hasMessageContaining(c);
        assertThatThrownBy(() -> Cursors.decode(c, 8, 3)).isInstanceOf(ServiceError.class);
        for (String bad : new String[] {"", "x", "30" + "z".repeat(30), c.substring(1), c + "0"}) {
            assertThatThrownBy(() -> Cursors.decode(bad, 7, 3))
                    .isInstanceOf(ServiceError.class)
                    .satisfies(e -> assertThat(((ServiceError) e).errorCode).isEqualTo("InvalidCursor"));
        }
    }
}
