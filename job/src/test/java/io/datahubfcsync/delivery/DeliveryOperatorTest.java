package io.datahubfcsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.datahubfcsync.delivery.HeldFunction.Call;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.fc.FunctionInvokerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery operator alone, in Flink's keyed operator test harness, against a fake function
 * whose calls the test answers one by one. The test thread is the task's mailbox thread: it runs
 * the mails (FC answers, timers) itself, and moves processing time by hand, so retry pauses are
 * exact and nothing depends on how fast the machine is.
 */
class DeliveryOperatorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** One per harness; the operator gets its own through a factory that holds only its index here (factories are serializable). */
    private static final List<HeldFunction> FUNCTIONS = new CopyOnWriteArrayList<>();
    /** The function of the harness opened last. */
    private HeldFunction function;

    private final List<KeyedOneInputStreamOperatorTestHarness<String, ShardRecord, Void>> harnesses = new ArrayList<>();

    @AfterEach
    void closeHarnesses() throws Exception {
        for (var h : harnesses) h.close();
        FUNCTIONS.forEach(HeldFunction::close);
        FUNCTIONS.clear();
    }

    @Test
    void deliversEachShardInOrderOneCallAtATimeWhileShardsOverlap() throws Exception {
        var harness = open(config().batchMaxRecords(2).maxConcurrency(4));
        for (int seq = 0; seq < 10; seq++) {
            for (String shard : List.of("a", "b", "c")) harness.processElement(record(shard, seq), 0);
        }

        runMailsUntil(
                "the first batch of every shard out at once",
                () -> function.held().size() == 3);
        runMailsUntil("every record delivered", () -> {
            function.held().forEach(Call::succeed);
            return operator(harness).bufferedRecords() == 0;
        });

        Map<String, List<Long>> delivered = function.delivered();
        for (String shard : List.of("a", "b", "c")) {
            assertThat(delivered.get(shard))
                    .as("shard %s", shard)
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        }
        assertThat(function.calls()).allSatisfy(c -> assertThat(c.sequences).hasSizeLessThanOrEqualTo(2));
        assertThat(function.maxOutOfOneShard())
                .as("calls of one shard out at once")
                .isEqualTo(1);
        assertThat(function.maxOut())
                .as("calls of different shards out at once")
                .isEqualTo(3);
        assertThat(operator(harness).bufferedRecords()).isZero();
    }

    @Test
    void aFailedBatchIsSentAgainUnchangedExactlyOneRetryIntervalLater() throws Exception {
        var harness = open(config().batchMaxRecords(5).retryInterval(Duration.ofMillis(1000)));
        harness.setProcessingTime(10_000);
        harness.processElement(record("a", 0), 0);
        harness.processElement(record("a", 1), 0);
        harness.processElement(record("b", 0), 0);
        runMailsUntil("both shards invoked", () -> function.calls().size() == 2);
        Call first = callOf("a", 0);
        assertThat(first.sequences)
                .as("with batch.max-wait 0 a batch goes as soon as the shard is free")
                .containsExactly(0L);
        first.fail("boom", "req-1");
        callOf("b", 0).succeed();
        runMailsUntil(
                "the failure handled, shard b delivered",
                () -> !timers(harness).isEmpty() && function.delivered().containsKey("b"));
        assertThat(timers(harness))
                .as("the retry is due one retry.interval after the failure")
                .containsExactly(11_000L);

        // the pause is processing time: one millisecond early, nothing is sent again
        harness.setProcessingTime(10_999);
        runMails();
        assertThat(timers(harness)).as("the retry still waits for its timer").containsExactly(11_000L);
        harness.setProcessingTime(11_000);
        runMailsUntil("the retry sent", () -> function.calls().size() == 3);

        Call retry = function.calls().get(2);
        assertThat(retry.json).isEqualTo(first.json);
        retry.succeed();
        runMailsUntil("shard a delivered", () -> {
            function.held().forEach(Call::succeed);
            return operator(harness).bufferedRecords() == 0;
        });
        assertThat(function.delivered().get("a")).containsExactly(0L, 1L);
    }

    @Test
    void anExhaustedBatchFailsTheJobWithoutRestartNamingEverythingNeededToFixIt() throws Exception {
        var harness = open(config().batchMaxRecords(2)
                .retryInterval(Duration.ofMillis(100))
                .retryMaxAttempts(3)
                .failOnExhausted());
        for (int seq = 0; seq < 5; seq++) harness.processElement(record("7", seq), 0);

        Throwable failure = null;
        for (int attempt = 1; attempt <= 3 && failure == null; attempt++) {
            int n = attempt;
            runMailsUntil("attempt " + n, () -> function.calls().size() == n);
            function.calls().get(n - 1).fail("boom " + n, "req-" + n);
            failure = catchThrowable(() ->
                    runMailsUntil("the answer handled", () -> !timers(harness).isEmpty()));
            harness.setProcessingTime(harness.getProcessingTime() + 100);
        }

        assertThat(function.calls()).hasSize(3).extracting(c -> c.sequences).containsOnly(List.of(0L));
        assertThat(failure).isInstanceOf(SuppressRestartsException.class);
        ShardExhaustedException exhausted = ExceptionUtils.findThrowable(failure, ShardExhaustedException.class)
                .orElseThrow();
        assertThat(exhausted.getMessage())
                .contains(
                        "FC svc/fn",
                        "shard 7",
                        "project proj",
                        "topic topic",
                        "records 7:0..7:0",
                        "failed 3 attempts",
                        "retry.max-attempts=3",
                        "boom 3",
                        "request id: req-3",
                        "Nothing from sequence 0 of this shard on was delivered",
                        "resume from the latest");
        // nothing later of the shard goes out, whatever the clock does
        harness.setProcessingTime(harness.getProcessingTime() + 60_000);
        runMails();
        assertThat(timers(harness)).isEmpty();
        assertThat(function.calls()).hasSize(3);
    }

    @Test
    void takesNoRecordWhileMaxBufferedRecordsAreHeldUntilADeliveryFreesRoom() throws Exception {
        var harness = open(config().batchMaxRecords(1).maxBufferedRecords(3));
        for (int seq = 0; seq < 3; seq++) harness.processElement(record("a", seq), 0);
        runMailsUntil("the first batch out", () -> function.held().size() == 1);

        // the 4th record must wait, yielding to the mailbox, until the held call is answered
        Thread taskThread = Thread.currentThread();
        AtomicBoolean returned = new AtomicBoolean();
        AtomicBoolean returnedBeforeTheAnswer = new AtomicBoolean();
        Thread answerer = new Thread(
                () -> {
                    awaitParkedOrDone(taskThread, returned);
                    returnedBeforeTheAnswer.set(returned.get());
                    function.held().forEach(Call::succeed);
                },
                "answers the held call");
        answerer.start();
        harness.processElement(record("a", 3), 0);
        returned.set(true);
        answerer.join(TIMEOUT.toMillis());

        assertThat(returnedBeforeTheAnswer)
                .as("processElement returned while the buffer was full")
                .isFalse();
        assertThat(function.delivered().get("a")).containsExactly(0L);
        assertThat(operator(harness).bufferedRecords()).isEqualTo(3);
        runMailsUntil("the rest delivered", () -> {
            function.held().forEach(Call::succeed);
            return function.delivered().get("a").size() == 4;
        });
        assertThat(function.delivered().get("a")).containsExactly(0L, 1L, 2L, 3L);
    }

    /**
     * What makes stop-with-savepoint then resume deliver each record exactly once, at operator level: a
     * savepoint waits until the call on the wire is answered, a success during that wait does not
     * launch the shard's next batch, the savepoint holds no batch in flight, and delivery resumes
     * after it.
     */
    @Test
    void aSavepointWaitsForTheCallOnTheWireAndStartsNothingNewMeanwhile() throws Exception {
        var harness = open(config().batchMaxRecords(2));
        for (int seq = 0; seq < 4; seq++) harness.processElement(record("a", seq), 0);
        runMailsUntil("the first batch out", () -> function.held().size() == 1);
        assertThat(function.held().get(0).sequences).containsExactly(0L);

        Thread taskThread = Thread.currentThread();
        AtomicBoolean snapshotDone = new AtomicBoolean();
        AtomicBoolean doneBeforeTheAnswer = new AtomicBoolean();
        Thread answerer = new Thread(
                () -> {
                    awaitParkedOrDone(taskThread, snapshotDone);
                    long deadline = System.nanoTime() + TIMEOUT.toNanos();
                    doneBeforeTheAnswer.set(snapshotDone.get());
                    function.held().forEach(Call::succeed);
                    // a next batch wrongly sent while draining would be awaited too: answer it (not to hang); the
                    // savepoint then shows it as delivered, which the restore below catches
                    while (!snapshotDone.get() && System.nanoTime() < deadline) {
                        function.held().forEach(Call::succeed);
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                },
                "answers the held call");
        answerer.start();
        OperatorSubtaskState savepoint = harness.snapshotWithLocalState(
                        1, 1, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState();
        snapshotDone.set(true);
        answerer.join(TIMEOUT.toMillis());

        assertThat(doneBeforeTheAnswer)
                .as("the savepoint was taken with a call on the wire")
                .isFalse();
        runMailsUntil(
                "delivery resumed after the savepoint", () -> function.calls().size() >= 2);
        assertThat(function.calls().get(1).sequences).containsExactly(1L, 2L);

        // the savepoint holds 0 as delivered and 1..3 as pending, none of them in flight: a restore sends 1 and 2 first
        var restored = open(config().batchMaxRecords(2), savepoint);
        assertThat(operator(restored).bufferedRecords())
                .as("undelivered records in the savepoint")
                .isEqualTo(3);
        runMailsUntil(
                "the restored operator sent its first batch",
                () -> !function.calls().isEmpty());
        assertThat(function.calls().get(0).sequences).containsExactly(1L, 2L);
    }

    @Test
    void anOrdinaryCheckpointDoesNotWaitForTheCallOnTheWire() throws Exception {
        var harness = open(config().batchMaxRecords(2));
        for (int seq = 0; seq < 3; seq++) harness.processElement(record("a", seq), 0);
        runMailsUntil("the first batch out", () -> function.held().size() == 1);

        // were the checkpoint to wait for the call, only this watchdog's answer would end the wait
        AtomicBoolean snapshotDone = new AtomicBoolean();
        AtomicBoolean watchdogAnswered = new AtomicBoolean();
        Thread watchdog = new Thread(
                () -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!snapshotDone.get() && System.nanoTime() < deadline) LockSupport.parkNanos(1_000_000);
                    if (!snapshotDone.get()) {
                        watchdogAnswered.set(true);
                        function.held().forEach(Call::succeed);
                    }
                },
                "watchdog");
        watchdog.start();
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);
        snapshotDone.set(true);
        watchdog.join(TIMEOUT.toMillis());
        assertThat(watchdogAnswered)
                .as("the checkpoint waited for the call on the wire")
                .isFalse();
        assertThat(function.held()).hasSize(1);

        // restored from it, the batch that was out is sent again with the same eventIds
        String sentBefore = function.held().get(0).json;
        var restored = open(config().batchMaxRecords(2), checkpoint);
        runMailsUntil(
                "the restored operator re-sent the batch",
                () -> !function.calls().isEmpty());
        assertThat(function.calls().get(0).json).isEqualTo(sentBefore);
        assertThat(operator(restored).bufferedRecords()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- plumbing

    private static DeliveryConfig.Builder config() {
        return DeliveryConfig.builder()
                .source("proj", "topic")
                .region("cn-hangzhou")
                .function("svc", "fn")
                .retryInterval(Duration.ofMillis(100));
    }

    private static ShardRecord record(String shard, long sequence) {
        return ShardRecord.tuple(shard, sequence, 1_000_000 + sequence, new String[] {shard + "-" + sequence});
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ShardRecord, Void> open(DeliveryConfig.Builder config)
            throws Exception {
        return open(config, null);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ShardRecord, Void> open(
            DeliveryConfig.Builder config, OperatorSubtaskState restoreFrom) throws Exception {
        function = new HeldFunction();
        FUNCTIONS.add(function);
        int index = FUNCTIONS.size() - 1;
        FunctionInvokerFactory invokers = () -> FUNCTIONS.get(index);
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new DeliveryOperatorFactory(config.build(), invokers, null), new FcDelivery.ShardIdKey(), Types.STRING);
        harnesses.add(harness);
        harness.setup();
        harness.initializeState(restoreFrom);
        harness.open();
        return harness;
    }

    private static DeliveryOperator operator(KeyedOneInputStreamOperatorTestHarness<String, ShardRecord, Void> h) {
        return (DeliveryOperator) h.getOperator();
    }

    /** Due times of the operator's pending processing-time timers (retry pauses, batch.max-wait). */
    private static Set<Long> timers(KeyedOneInputStreamOperatorTestHarness<String, ShardRecord, Void> h) {
        return h.getProcessingTimeService().getActiveTimerTimestamps();
    }

    /** Runs the mails (FC answers, timers) that are waiting, as the task thread would between records. */
    private void runMails() throws Exception {
        for (var h : harnesses) {
            Optional<Mail> mail;
            while ((mail = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY)).isPresent())
                mail.get().run();
        }
    }

    /** Runs mails as they arrive until {@code done}; an exception from a mail (the operator failing) is thrown here. */
    private void runMailsUntil(String what, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            runMails();
            if (done.getAsBoolean()) return;
            if (System.nanoTime() - deadline > 0) throw new AssertionError("Timed out waiting for: " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // poll pacing while FC answers travel
        }
    }

    /**
     * Returns once the task thread is parked (yielding to an empty mailbox waits on it) or the call
     * under test {@code done}; the caller then tells which of the two it was.
     */
    private static void awaitParkedOrDone(Thread taskThread, AtomicBoolean done) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done.get() && System.nanoTime() < deadline) {
            Thread.State state = taskThread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) return;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private Call callOf(String shard, long sequence) {
        return function.calls().stream()
                .filter(c -> c.shard.equals(shard) && c.sequences.contains(sequence))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no call of " + shard + ":" + sequence));
    }
}
