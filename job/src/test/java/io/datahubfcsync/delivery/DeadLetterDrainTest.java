package io.datahubfcsync.delivery;

import static io.datahubfcsync.delivery.DeliveryHarness.config;
import static io.datahubfcsync.delivery.DeliveryHarness.operator;
import static io.datahubfcsync.delivery.DeliveryHarness.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.datahub.DataHubProtocol;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stop-with-savepoint is exactly-once for dead-letter writes too: the savepoint waits for a write on
 * the wire, and a write's retry whose pause ends after the stop's savepoint waits (the task ends);
 * should the stop not happen (a later checkpoint completes), it goes on.
 */
class DeadLetterDrainTest {
    /** Writes the test answers one by one; static because writer factories are serializable. */
    private static final List<CompletableFuture<Exception>> WRITES = new CopyOnWriteArrayList<>();

    private final DeliveryHarness h = new DeliveryHarness();

    @AfterEach
    void close() throws Exception {
        WRITES.forEach(w -> w.complete(new Exception("test over")));
        WRITES.clear();
        h.close();
    }

    private static DeliveryConfig.Builder deadLettering() {
        return config().retryMaxAttempts(2)
                .deadLetter(
                        "dlq",
                        new DataHubConnection(
                                "http://127.0.0.1:1",
                                DataHubProtocol.JSON,
                                CredentialsSource.fromEnvironment(Map.of())));
    }

    private static final DeadLetterWriter.Factory HELD_WRITES = () -> letter -> {
        CompletableFuture<Exception> answer = new CompletableFuture<>();
        WRITES.add(answer);
        Exception failure = answer.join();
        if (failure != null) throw failure;
    };

    @Test
    void aStopsSavepointWaitsForTheDeadLetterWriteAndNoWriteRetryFiresAfterIt() throws Exception {
        JobID job = new JobID();
        var harness = h.open(deadLettering(), null, job, HELD_WRITES);
        harness.processElement(record("a", 0), 0);
        for (int attempt = 1; attempt <= 2; attempt++) {
            int n = attempt;
            h.runMailsUntil(
                    "attempt " + n,
                    () -> h.function.calls().size() == n && h.function.held().size() == 1);
            h.function.held().get(0).fail("boom", "req-" + n);
            h.runMailsUntil(
                    "the failure handled",
                    () -> !DeliveryHarness.timers(harness).isEmpty() || !WRITES.isEmpty());
            harness.setProcessingTime(harness.getProcessingTime() + 100);
        }
        h.runMailsUntil("the dead-letter write on the wire", () -> WRITES.size() == 1);

        Thread taskThread = Thread.currentThread();
        AtomicBoolean savepointDone = new AtomicBoolean();
        AtomicBoolean doneBeforeTheWriteAnswered = new AtomicBoolean();
        Thread answerer = new Thread(
                () -> {
                    awaitParked(taskThread, savepointDone);
                    doneBeforeTheWriteAnswered.set(savepointDone.get());
                    WRITES.get(0).complete(new Exception("dead-letter topic unavailable"));
                },
                "answers the write");
        answerer.start();
        OperatorSubtaskState savepoint = harness.snapshotWithLocalState(
                        1, 1, SavepointType.suspend(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState();
        savepointDone.set(true);
        answerer.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(doneBeforeTheWriteAnswered)
                .as("the savepoint was taken with a write on the wire")
                .isFalse();

        harness.setProcessingTime(harness.getProcessingTime() + 60_000);
        h.runMails();
        assertThat(WRITES)
                .as("after the stop's savepoint, the write is not retried")
                .hasSize(1);

        // resumed from the savepoint, the batch goes to the dead-letter topic exactly once more
        var resumed = h.open(deadLettering(), savepoint, new JobID(), HELD_WRITES);
        h.runMailsUntil("the resumed job writes the dead letter", () -> WRITES.size() == 2);
        WRITES.get(1).complete(null);
        h.runMailsUntil("set aside", () -> operator(resumed).bufferedRecords() == 0);
        assertThat(WRITES).hasSize(2);
    }

    @Test
    void aStopWhoseSavepointIsSupersededByALaterCheckpointGoesOnDelivering() throws Exception {
        var harness = h.open(config().batchMaxRecords(1));
        harness.processElement(record("a", 0), 0);
        harness.processElement(record("a", 1), 0);
        h.runMailsUntil("the first batch out", () -> h.function.held().size() == 1);
        h.function.held().get(0).succeed();
        harness.snapshotWithLocalState(1, 1, SavepointType.suspend(SavepointFormatType.CANONICAL));
        h.runMails();
        assertThat(h.function.calls())
                .as("nothing new after the stop's savepoint")
                .hasSize(1);

        harness.notifyOfCompletedCheckpoint(2); // the stop did not happen: the job went on and checkpointed again
        h.succeedUntil("delivery resumed", () -> operator(harness).bufferedRecords() == 0);
        assertThat(h.function.delivered().get("a")).containsExactly(0L, 1L);
    }

    private static void awaitParked(Thread taskThread, AtomicBoolean done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.get() && System.nanoTime() < deadline) {
            Thread.State state = taskThread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) return;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
