package io.datahubfcsync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void returnsTheFirstAcceptedValue() {
        AtomicInteger calls = new AtomicInteger();
        int seen = Await.value("counter reaches 3", Duration.ofSeconds(5), calls::incrementAndGet, n -> n >= 3);
        assertThat(seen).isEqualTo(3);
    }

    @Test
    void timeoutNamesTheConditionAndTheLastValue() {
        assertThatThrownBy(() -> Await.value("the value becomes 1", Duration.ofMillis(50), () -> 0, n -> n == 1))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the value becomes 1")
                .hasMessageContaining("last value: 0");
    }

    @Test
    void aThrowingProbeIsRetriedAndReportedOnTimeout() {
        assertThatThrownBy(() -> Await.until("never", Duration.ofMillis(50), () -> {
                    throw new IllegalStateException("not ready");
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("never")
                .hasMessageContaining("not ready");
    }
}
