package io.datahubfcsync.delivery;

import static io.datahubfcsync.delivery.DeliveryHarness.config;
import static io.datahubfcsync.delivery.DeliveryHarness.operator;
import static io.datahubfcsync.delivery.DeliveryHarness.record;
import static io.datahubfcsync.delivery.DeliveryHarness.timers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** FC refusing the credentials backs off and is counted, never spends a batch's attempts, and fails only after the grace. */
class CredentialRefusalsTest {
    private final DeliveryHarness h = new DeliveryHarness();

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    @Test
    void refusedCredentialsNeverSpendTheBatchsAttemptsAndBackOffDoubling() throws Exception {
        var harness = h.open(config().retryMaxAttempts(2)
                .failOnExhausted()
                .maxThrottleBackoff(Duration.ofSeconds(1))
                .credentials("credentials file /etc/dh/creds", Duration.ofMinutes(5)));
        harness.processElement(record("a", 0), 0);
        List<Long> pauses = new ArrayList<>();
        for (int refusal = 1; refusal <= 6; refusal++) {
            int n = refusal;
            h.runMailsUntil(
                    "call " + n,
                    () -> h.function.calls().size() == n && h.function.held().size() == 1);
            h.function.held().get(0).refuseCredentials("req-" + n);
            h.runMailsUntil("the refusal handled", () -> !timers(harness).isEmpty());
            long due = timers(harness).iterator().next();
            pauses.add(due - harness.getProcessingTime());
            harness.setProcessingTime(due);
        }
        assertThat(pauses)
                .as("doubling from retry.interval up to the throttling limit")
                .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
        assertThat(lane(harness).metrics.credentialFailureCount()).isEqualTo(6);
        assertThat(lane(harness).failedAttempts).as("no attempt spent").isZero();

        // one real failure of the batch is then its first attempt of two, not its seventh
        h.runMailsUntil("call 7", () -> h.function.held().size() == 1);
        h.function.held().get(0).fail("boom", "req-7");
        h.runMailsUntil("a retry, not exhaustion", () -> !timers(harness).isEmpty());
        assertThat(lane(harness).failedAttempts).isEqualTo(1);
        harness.setProcessingTime(harness.getProcessingTime() + 100);
        h.succeedUntil("delivered", () -> operator(harness).bufferedRecords() == 0);
        assertThat(h.function.delivered().get("a")).containsExactly(0L);
    }

    @Test
    void theJobFailsNamingTheCredentialSourceOnlyOnceTheGraceIsOver() throws Exception {
        var harness = h.open(config().credentials("credentials file /etc/dh/creds", Duration.ofSeconds(1)));
        harness.processElement(record("a", 0), 0);
        Throwable failure = null;
        long start = harness.getProcessingTime();
        int refusals = 0;
        while (failure == null && refusals < 50) {
            int n = ++refusals;
            h.runMailsUntil(
                    "call " + n,
                    () -> h.function.calls().size() == n && h.function.held().size() == 1);
            h.function.held().get(0).refuseCredentials("req-" + n);
            failure = catchThrowable(() -> h.runMailsUntil(
                    "the refusal handled", () -> !timers(harness).isEmpty()));
            if (failure == null) {
                assertThat(harness.getProcessingTime() - start)
                        .as("no failure within the grace")
                        .isLessThan(1000);
                harness.setProcessingTime(timers(harness).iterator().next());
            }
        }
        assertThat(failure)
                .isInstanceOf(CredentialRefusals.CredentialsRefusedException.class)
                .hasMessageContaining("refused the credentials from credentials file /etc/dh/creds")
                .hasMessageContaining("credentials.failure-grace=1000 ms")
                .hasMessageContaining("shard a waits at sequence 0");
        assertThat(harness.getProcessingTime() - start).isGreaterThanOrEqualTo(1000);
    }

    private static DeliveryLane lane(
            OneInputStreamOperatorTestHarness<io.datahubfcsync.event.ShardRecord, Void> harness) {
        return operator(harness).lane("a");
    }
}
