package io.datahubfcsync.delivery;

import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.fc.FunctionInvokerFactory;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.reader.ShardRangeReader;
import io.datahubfcsync.source.testing.FakeDataHubClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.coordination.MockOperatorEventGateway;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/**
 * The delivery operator in Flink's operator test harness (keyed by shard id), against
 * {@link HeldFunction}s whose calls the test answers one by one. The test thread is the task's
 * mailbox thread: it runs the mails (FC answers, timers) itself and moves processing time by hand,
 * so pauses are exact and nothing depends on how fast the machine is. Each harness runs in a job
 * whose id the test chooses, so a test can restore "the same job" (a failover) or "a new run".
 */
final class DeliveryHarness implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_PARALLELISM = 128;
    /** One per harness; the operator gets its own through a factory that holds only its index here (factories are serializable). */
    private static final List<HeldFunction> FUNCTIONS = new CopyOnWriteArrayList<>();
    /** DataHub fakes that catch-up reads of a harness go to, by index (like {@link #FUNCTIONS}). */
    private static final List<FakeDataHubClient> DATAHUBS = new CopyOnWriteArrayList<>();

    final List<OneInputStreamOperatorTestHarness<ShardRecord, Void>> harnesses = new ArrayList<>();
    /** The function of the harness opened last. */
    HeldFunction function;
    /** What the operator of the harness opened last sent to its coordinator. */
    MockOperatorEventGateway coordinator;

    static DeliveryConfig.Builder config() {
        return DeliveryConfig.builder()
                .source("proj", "topic")
                .region("cn-hangzhou")
                .function("svc", "fn")
                .retryInterval(Duration.ofMillis(100));
    }

    static ShardRecord record(String shard, long sequence) {
        return ShardRecord.tuple(shard, sequence, 1_000_000 + sequence, new String[] {shard + "-" + sequence});
    }

    OneInputStreamOperatorTestHarness<ShardRecord, Void> open(DeliveryConfig.Builder config) throws Exception {
        return open(config, null, new JobID(), null);
    }

    OneInputStreamOperatorTestHarness<ShardRecord, Void> open(
            DeliveryConfig.Builder config, OperatorSubtaskState restoreFrom) throws Exception {
        return open(config, restoreFrom, new JobID(), null);
    }

    /**
     * @param jobId the job the operator runs in: restoring with the id of the job that took the
     *     snapshot is an automatic restart, any other id a new run
     * @param deadLetters the dead-letter writer factory, or null
     */
    OneInputStreamOperatorTestHarness<ShardRecord, Void> open(
            DeliveryConfig.Builder config,
            OperatorSubtaskState restoreFrom,
            JobID jobId,
            DeadLetterWriter.Factory deadLetters)
            throws Exception {
        return open(config, restoreFrom, jobId, deadLetters, null, null);
    }

    /**
     * @param dataHub what lanes read back from when they catch up, or null for no catch-up
     * @param source the source settings the re-reads use (expiry policy, stop time)
     */
    OneInputStreamOperatorTestHarness<ShardRecord, Void> open(
            DeliveryConfig.Builder config,
            OperatorSubtaskState restoreFrom,
            JobID jobId,
            DeadLetterWriter.Factory deadLetters,
            FakeDataHubClient dataHub,
            DataHubSourceConfig.Builder source)
            throws Exception {
        CatchUp.Readers readers = null;
        if (dataHub != null) {
            DATAHUBS.add(dataHub);
            int hub = DATAHUBS.size() - 1;
            DataHubSourceConfig sourceConfig = source.project("proj")
                    .topic("topic")
                    .clientFactory(() -> DATAHUBS.get(hub))
                    .build();
            readers = (shard, from, counters) ->
                    new ShardRangeReader(DATAHUBS.get(hub), sourceConfig, counters, shard, from);
        }
        function = new HeldFunction();
        FUNCTIONS.add(function);
        int index = FUNCTIONS.size() - 1;
        FunctionInvokerFactory invokers = () -> FUNCTIONS.get(index);
        MockEnvironment env = new MockEnvironmentBuilder()
                .setJobID(jobId)
                .setMaxParallelism(MAX_PARALLELISM)
                .setParallelism(1)
                .setSubtaskIndex(0)
                .build();
        var harness = new OneInputStreamOperatorTestHarness<ShardRecord, Void>(
                new DeliveryOperatorFactory(config.build(), invokers, deadLetters, readers), env);
        harness.getStreamConfig().setStatePartitioner(0, new FcDelivery.ShardIdKey());
        harness.getStreamConfig()
                .setStateKeySerializer(Types.STRING.createSerializer(
                        harness.getExecutionConfig().getSerializerConfig()));
        harness.getStreamConfig().serializeAllConfigs();
        harnesses.add(harness);
        harness.setup();
        coordinator = new MockOperatorEventGateway();
        operator(harness).setCoordinatorGateway(coordinator);
        harness.initializeState(restoreFrom);
        harness.open();
        return harness;
    }

    static DeliveryOperator operator(OneInputStreamOperatorTestHarness<ShardRecord, Void> h) {
        return (DeliveryOperator) h.getOperator();
    }

    /** Due times of the operator's pending processing-time timers (retry pauses, batch.max-wait, probes). */
    static Set<Long> timers(OneInputStreamOperatorTestHarness<ShardRecord, Void> h) {
        return h.getProcessingTimeService().getActiveTimerTimestamps();
    }

    /** Runs the mails (FC answers, timers) that are waiting, as the task thread would between records. */
    void runMails() throws Exception {
        for (var h : harnesses) {
            Optional<Mail> mail;
            while ((mail = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY)).isPresent())
                mail.get().run();
        }
    }

    /** Runs mails as they arrive until {@code done}; an exception from a mail (the operator failing) is thrown here. */
    void runMailsUntil(String what, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            runMails();
            if (done.getAsBoolean()) return;
            if (System.nanoTime() - deadline > 0) throw new AssertionError("Timed out waiting for: " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // poll pacing while FC answers travel
        }
    }

    /** Answers every held call with success until {@code done}. */
    void succeedUntil(String what, BooleanSupplier done) throws Exception {
        runMailsUntil(what, () -> {
            function.held().forEach(HeldFunction.Call::succeed);
            return done.getAsBoolean();
        });
    }

    /** Waits for a call of the shard holding the sequence, and succeeds it. */
    void callOfEventually(String shard, long sequence) throws Exception {
        runMailsUntil(
                "a call of " + shard + ":" + sequence,
                () -> function.calls().stream().anyMatch(c -> c.shard.equals(shard) && c.sequences.contains(sequence)));
        callOf(shard, sequence).succeed();
    }

    HeldFunction.Call callOf(String shard, long sequence) {
        return function.calls().stream()
                .filter(c -> c.shard.equals(shard) && c.sequences.contains(sequence))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no call of " + shard + ":" + sequence));
    }

    @Override
    public void close() throws Exception {
        for (var h : harnesses) h.close();
        FUNCTIONS.forEach(HeldFunction::close);
        FUNCTIONS.clear();
        DATAHUBS.clear();
    }
}
