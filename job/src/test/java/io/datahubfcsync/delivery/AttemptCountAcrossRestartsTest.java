package io.datahubfcsync.delivery;

import static io.datahubfcsync.delivery.DeliveryHarness.config;
import static io.datahubfcsync.delivery.DeliveryHarness.record;
import static io.datahubfcsync.delivery.DeliveryHarness.timers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.datahubfcsync.event.ShardRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A batch's failed attempts are counted against {@code retry.max-attempts} across automatic
 * restarts (the same job restored from its checkpoint), and only a new run of the job gives a
 * restored batch its full budget again.
 */
class AttemptCountAcrossRestartsTest {
    private final DeliveryHarness h = new DeliveryHarness();

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    @Test
    void aFailoverOfTheSameJobGoesOnCountingTheBatchsFailedAttempts() throws Exception {
        JobID job = new JobID();
        OperatorSubtaskState checkpoint = twoFailedAttemptsThenACheckpoint(job);

        var restored = h.open(config().retryMaxAttempts(3).failOnExhausted(), checkpoint, job, null);
        h.runMailsUntil(
                "the restored batch sent again", () -> h.function.calls().size() == 1);
        h.function.calls().get(0).fail("boom 3", "req-3");
        Throwable failure = catchThrowable(() ->
                h.runMailsUntil("the answer handled", () -> !timers(restored).isEmpty()));

        assertThat(failure)
                .as("the third attempt in all is the last one")
                .isInstanceOf(SuppressRestartsException.class)
                .hasStackTraceContaining("failed 3 attempts");
        assertThat(h.function.calls()).as("attempts after the restart").hasSize(1);
    }

    @Test
    void aNewRunGivesARestoredBatchItsFullRetryBudget() throws Exception {
        OperatorSubtaskState checkpoint = twoFailedAttemptsThenACheckpoint(new JobID());

        var resubmitted = h.open(config().retryMaxAttempts(3).failOnExhausted(), checkpoint, new JobID(), null);
        Throwable failure = null;
        for (int attempt = 1; attempt <= 3 && failure == null; attempt++) {
            int n = attempt;
            h.runMailsUntil(
                    "attempt " + n + " of the new run", () -> h.function.calls().size() == n);
            h.function.calls().get(n - 1).fail("boom", "req");
            failure = catchThrowable(() -> h.runMailsUntil(
                    "the answer handled", () -> !timers(resubmitted).isEmpty()));
            resubmitted.setProcessingTime(resubmitted.getProcessingTime() + 100);
        }

        assertThat(failure).isInstanceOf(SuppressRestartsException.class).hasStackTraceContaining("failed 3 attempts");
        assertThat(h.function.calls()).as("attempts of the new run").hasSize(3);
    }

    /** Run 1 of {@code job}: shard a's batch fails twice of three, then a checkpoint is taken while it waits to retry. */
    private OperatorSubtaskState twoFailedAttemptsThenACheckpoint(JobID job) throws Exception {
        OneInputStreamOperatorTestHarness<ShardRecord, Void> first =
                h.open(config().retryMaxAttempts(3).failOnExhausted(), null, job, null);
        first.processElement(record("a", 0), 0);
        for (int attempt = 1; attempt <= 2; attempt++) {
            int n = attempt;
            h.runMailsUntil("attempt " + n, () -> h.function.calls().size() == n);
            h.function.calls().get(n - 1).fail("boom " + n, "req-" + n);
            h.runMailsUntil("the retry armed", () -> !timers(first).isEmpty());
            if (n < 2) first.setProcessingTime(first.getProcessingTime() + 100);
        }
        return first.snapshot(1, 1);
    }
}
