package io.datahubfcsync.delivery;

import static io.datahubfcsync.delivery.DeliveryHarness.config;
import static io.datahubfcsync.delivery.DeliveryHarness.operator;
import static io.datahubfcsync.delivery.DeliveryHarness.record;
import static io.datahubfcsync.delivery.DeliveryHarness.timers;
import static io.datahubfcsync.metrics.ShardDeliveryMetrics.STATE_RETRYING;
import static io.datahubfcsync.metrics.ShardDeliveryMetrics.STATE_RUNNING;
import static io.datahubfcsync.metrics.ShardDeliveryMetrics.STATE_SUSPENDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.event.ShardRecord;
import java.time.Duration;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code on-exhausted=suspend}, the default: an exhausted shard stops alone and comes back by probe, resume or new run. */
class SuspendTest {
    private static final long PROBE_MS = 60_000;
    private final DeliveryHarness h = new DeliveryHarness();

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private static DeliveryConfig.Builder suspending(Duration probe) {
        return config().batchMaxRecords(2).retryMaxAttempts(2).suspendProbeInterval(probe);
    }

    @Test
    void anExhaustedShardIsSuspendedWithItsRecordsKeptWhileTheOtherShardsGoOn() throws Exception {
        var harness = h.open(suspending(Duration.ZERO));
        harness.processElement(record("a", 0), 0);
        exhaust(harness, "a", 2);

        assertThat(operator(harness).stateOf("a")).isEqualTo(STATE_SUSPENDED);
        assertThat(timers(harness)).as("probe-interval 0: no probe").isEmpty();
        for (int seq = 1; seq <= 5; seq++) {
            harness.processElement(record("a", seq), 0);
            harness.processElement(record("b", seq), 0);
        }
        h.succeedUntil(
                "shard b delivered, shard a holding its six",
                () -> operator(harness).bufferedRecords() == 6);
        harness.setProcessingTime(harness.getProcessingTime() + 3_600_000);
        h.runMails();

        assertThat(h.function.delivered().get("b")).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(h.function.delivered()).doesNotContainKey("a");
        assertThat(h.function.calls()).filteredOn(c -> c.shard.equals("a")).hasSize(2);
        assertThat(operator(harness).stateOf("a")).isEqualTo(STATE_SUSPENDED);
        assertThat(operator(harness).bufferedRecords())
                .as("shard a keeps its batch and what came after")
                .isEqualTo(6);
        assertThat(h.function.held()).isEmpty();
    }

    @Test
    void aProbeTriesTheBatchOnceEveryProbeIntervalAndResumesTheShardOnSuccess() throws Exception {
        var harness = h.open(suspending(Duration.ofMillis(PROBE_MS)));
        for (int seq = 0; seq < 4; seq++) harness.processElement(record("a", seq), 0);
        exhaust(harness, "a", 2);
        long suspendedAt = harness.getProcessingTime();
        assertThat(timers(harness)).containsExactly(suspendedAt + PROBE_MS);

        harness.setProcessingTime(suspendedAt + PROBE_MS - 1);
        h.runMails();
        assertThat(h.function.calls()).as("no attempt before the probe is due").hasSize(2);
        harness.setProcessingTime(suspendedAt + PROBE_MS);
        h.runMailsUntil("the first probe", () -> h.function.calls().size() == 3);
        h.function.calls().get(2).fail("still broken", "req-p1");
        h.runMailsUntil(
                "suspended again, next probe armed", () -> timers(harness).contains(suspendedAt + 2 * PROBE_MS));
        assertThat(operator(harness).stateOf("a")).isEqualTo(STATE_SUSPENDED);
        assertThat(h.function.calls()).as("a probe is one attempt").hasSize(3);

        harness.setProcessingTime(suspendedAt + 2 * PROBE_MS);
        h.runMailsUntil("the second probe", () -> h.function.calls().size() == 4);
        assertThat(h.function.calls().get(3).json)
                .as("the probe sends the suspended batch unchanged")
                .isEqualTo(h.function.calls().get(0).json);
        h.succeedUntil(
                "the shard resumed and delivered the rest",
                () -> operator(harness).bufferedRecords() == 0);
        assertThat(h.function.delivered().get("a")).containsExactly(0L, 1L, 2L, 3L);
        assertThat(operator(harness).stateOf("a")).isEqualTo(STATE_RUNNING);
    }

    @Test
    void aResumeTriesTheBatchAtOnceWithAFreshBudgetAndLeavesOtherShardsAlone() throws Exception {
        var harness = h.open(suspending(Duration.ZERO));
        harness.processElement(record("a", 0), 0);
        harness.processElement(record("b", 0), 0);
        h.callOfEventually("b", 0);
        exhaust(harness, "a", 2);

        assertThat(operator(harness).resume("b"))
                .as("b is not suspended: nothing changes")
                .isFalse();
        assertThat(operator(harness).resume("a")).isTrue();
        h.runMailsUntil(
                "the batch tried at once",
                () -> h.function.calls().stream()
                                .filter(c -> c.shard.equals("a"))
                                .count()
                        == 3);
        h.callOf("a", 0).fail("once more", "req-r");
        h.runMailsUntil("the failure handled", () -> !timers(harness).isEmpty());
        assertThat(operator(harness).stateOf("a"))
                .as("a fresh budget: the first failure is a retry")
                .isEqualTo(STATE_RETRYING);
        harness.setProcessingTime(harness.getProcessingTime() + 100);
        h.succeedUntil("delivered", () -> operator(harness).bufferedRecords() == 0);
        assertThat(h.function.delivered().get("a")).containsExactly(0L);
    }

    @Test
    void aFailoverKeepsASuspendedShardSuspendedAndANewRunRetriesItsBatchAtOnce() throws Exception {
        JobID job = new JobID();
        var first = h.open(suspending(Duration.ofMillis(PROBE_MS)), null, job, null);
        first.processElement(record("a", 0), 0);
        first.processElement(record("a", 1), 0);
        exhaust(first, "a", 2);
        OperatorSubtaskState checkpoint = first.snapshot(1, 1);

        var failedOver = h.open(suspending(Duration.ofMillis(PROBE_MS)), checkpoint, job, null);
        h.runMails();
        assertThat(operator(failedOver).stateOf("a")).isEqualTo(STATE_SUSPENDED);
        assertThat(h.function.calls())
                .as("the same job: still suspended, no attempt until the probe")
                .isEmpty();
        assertThat(timers(failedOver)).hasSize(1);

        var newRun = h.open(suspending(Duration.ofMillis(PROBE_MS)), checkpoint, new JobID(), null);
        h.runMailsUntil(
                "a new run tries the batch at once", () -> h.function.calls().size() == 1);
        h.succeedUntil("delivered in order", () -> operator(newRun).bufferedRecords() == 0);
        assertThat(h.function.delivered().get("a")).containsExactly(0L, 1L);
    }

    @Test
    void aBoundedRunThatWouldEndWithASuspendedShardFailsNamingIt() throws Exception {
        var harness = h.open(suspending(Duration.ZERO));
        harness.processElement(record("a", 0), 0);
        harness.processElement(record("b", 0), 0);
        exhaust(harness, "a", 2);
        h.succeedUntil("b delivered", () -> operator(harness).bufferedRecords() == 1);

        assertThatThrownBy(harness::endInput)
                .isInstanceOf(SuppressRestartsException.class)
                .hasStackTraceContaining("1 suspended shard(s) were not delivered: shard a from sequence 0 (1 records");
    }

    /** Fails the shard's calls until {@code attempts} were made (the last one exhausts it). */
    private void exhaust(OneInputStreamOperatorTestHarness<ShardRecord, Void> harness, String shard, int attempts)
            throws Exception {
        for (int n = 1; n <= attempts; n++) {
            int made = n;
            h.runMailsUntil(
                    "attempt " + n + " of shard " + shard,
                    () -> h.function.calls().stream()
                                    .filter(c -> c.shard.equals(shard))
                                    .count()
                            == made);
            h.function.held().stream()
                    .filter(c -> c.shard.equals(shard))
                    .forEach(c -> c.fail("boom " + made, "req-" + made));
            h.runMailsUntil(
                    "the failure handled",
                    () -> operator(harness).stateOf(shard) == STATE_SUSPENDED
                            || !timers(harness).isEmpty());
            if (n < attempts) harness.setProcessingTime(harness.getProcessingTime() + 100);
        }
        assertThat(operator(harness).stateOf(shard)).isEqualTo(STATE_SUSPENDED);
    }
}
