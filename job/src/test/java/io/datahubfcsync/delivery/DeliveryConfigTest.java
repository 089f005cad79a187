package io.datahubfcsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.fc.InvocationOutcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryConfigTest {
    private static DeliveryConfig.Builder valid() {
        return DeliveryConfig.builder().source("p", "t").region("cn-hangzhou").function("svc", "fn");
    }

    @Test
    void defaultsAreTheSpecsAndTheOperatorIsNamedAfterTheFunction() {
        DeliveryConfig c = valid().build();
        assertThat(c.batchMaxRecords()).isEqualTo(100);
        assertThat(c.batchMaxBytes()).isEqualTo(4L << 20);
        assertThat(c.batchMaxWait()).isZero();
        assertThat(c.retryInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.retryMaxAttempts()).isEqualTo(512);
        assertThat(c.onExhausted()).isEqualTo(OnExhausted.SUSPEND);
        assertThat(c.maxConcurrency()).isEqualTo(64);
        assertThat(c.maxBufferedRecords()).isEqualTo(10_000);
        assertThat(c.operatorName()).isEqualTo("FC svc/fn");
    }

    @Test
    void reportsEveryMissingPartWithTheParameterThatGivesIt() {
        assertThatThrownBy(() -> valid().deadLetter(null, null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dead-letter.topic (required with on-exhausted=dead-letter)")
                .hasMessageContaining("a DataHub connection for dead-letter.topic is required");
        assertThatThrownBy(() -> DeliveryConfig.builder().build())
                .hasMessageContaining("datahub.project is required")
                .hasMessageContaining("fc.function is required");
    }

    @Test
    void aShardHoldsTwoBatchesOfBytesUnlessToldOtherwise() {
        assertThat(valid().batchMaxBytes(1L << 20).build().maxBufferedBytesPerShard())
                .isEqualTo(2L << 20);
        assertThat(valid().batchMaxBytes(1L << 20)
                        .maxBufferedBytesPerShard(5L << 20)
                        .build()
                        .maxBufferedBytesPerShard())
                .isEqualTo(5L << 20);
    }

    @Test
    void throttlingAndPlatformErrorsBackOffLongerUpToTheLimitOtherFailuresWaitTheInterval() {
        RetryPolicy backoff = new RetryPolicy(valid().retryInterval(Duration.ofSeconds(1))
                .maxThrottleBackoff(Duration.ofSeconds(30))
                .build());
        assertThat(backoff.delayMs(InvocationOutcome.FUNCTION_ERROR, 7)).isEqualTo(1000);
        assertThat(backoff.delayMs(InvocationOutcome.TIMEOUT, 3)).isEqualTo(1000);
        assertThat(backoff.delayMs(InvocationOutcome.THROTTLED, 1)).isEqualTo(1000);
        assertThat(backoff.delayMs(InvocationOutcome.THROTTLED, 3)).isEqualTo(4000);
        assertThat(backoff.delayMs(InvocationOutcome.PLATFORM_ERROR, 5)).isEqualTo(16_000);
        assertThat(backoff.delayMs(InvocationOutcome.THROTTLED, 500)).isEqualTo(30_000);
    }
}
