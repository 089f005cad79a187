package io.datahubfcsync.delivery;

import io.datahubfcsync.event.EncodedEvent;
import io.datahubfcsync.event.EventEncoder;
import io.datahubfcsync.event.RecordDataException;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.fc.FunctionInvoker;
import io.datahubfcsync.fc.FunctionInvokerFactory;
import io.datahubfcsync.fc.InvocationOutcome;
import io.datahubfcsync.fc.InvocationResult;
import io.datahubfcsync.metrics.DeliveryLagMetrics;
import io.datahubfcsync.metrics.ShardDeliveryMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.CheckpointStreamFactory;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFutures;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the records of each shard (the key) to Function Compute, strictly in sequence order.
 *
 * <p>Per shard at most one batch is out at a time and the next batch starts only after the previous
 * one succeeded; different shards are invoked concurrently on a pool of
 * {@code delivery.max-concurrency} threads. The task thread never waits for FC: answers, retry
 * pauses and {@code batch.max-wait} timers come back as mails on the task's mailbox, and when
 * {@code delivery.max-buffered-records} are held the operator yields to the mailbox until room
 * frees, which is how Flink's AsyncWaitOperator applies backpressure.
 *
 * <p>Every checkpoint stores, per shard, the undelivered records, the delivered sequence, the
 * failed attempts and how many of the records form the batch that is out, in keyed state. A restore
 * (also with another parallelism) sends that batch again with the same eventIds and goes on in
 * order.
 */
public final class DeliveryOperator extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<ShardRecord, Void>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryOperator.class);
    static final String STATE_NAME = "shard-progress";

    private final DeliveryConfig config;
    private final FunctionInvokerFactory invokerFactory;
    private final DeadLetterWriter.Factory deadLetterFactory; // null unless on-exhausted=dead-letter
    private final transient MailboxExecutor mailbox;

    private transient ValueState<byte[]> progressState;
    /** Read by metric gauges on the reporter thread, hence concurrent; changed on the task thread only. */
    private transient Map<String, ShardLane> lanes;
    /** Batch sizes that were out at the restored checkpoint, to send exactly those batches again. */
    private transient Map<String, Integer> restoredInFlight;
    private transient EventEncoder encoder;
    private transient RetryBackoff backoff;
    private transient ThreadPoolExecutor pool;
    private transient FunctionInvoker invoker;
    private transient DeadLetterWriter deadLetters;
    /** Records held by all lanes (pending, including batches that are out). */
    private transient int buffered;
    private transient boolean endOfInput;
    /** A savepoint is being taken: let calls on the wire finish, start nothing new (see snapshotState). */
    private transient boolean drainingForSavepoint;
    /**
     * Id of the synchronous savepoint of a stop-with-savepoint this operator took, or -1. The task
     * ends after it, so nothing new may be sent (it would be delivered, yet be in the savepoint as
     * undelivered); if that savepoint is aborted instead, delivery resumes.
     */
    private transient long stoppedAtSavepoint = -1;
    /** Retries whose pause ended while draining; sent right after the savepoint. */
    private transient List<ShardLane> deferredRetries;
    private transient volatile boolean closing;

    DeliveryOperator(StreamOperatorParameters<Void> parameters, DeliveryConfig config,
                     FunctionInvokerFactory invokerFactory, DeadLetterWriter.Factory deadLetterFactory) {
        super(parameters);
        this.config = config;
        this.invokerFactory = invokerFactory;
        this.deadLetterFactory = deadLetterFactory;
        this.mailbox = parameters.getMailboxExecutor();
    }

    // ---------------------------------------------------------------- lifecycle and state

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        progressState = context.getKeyedStateStore().getState(
                new ValueStateDescriptor<>(STATE_NAME, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        lanes = new ConcurrentHashMap<>();
        restoredInFlight = new HashMap<>();
        deferredRetries = new ArrayList<>();
        if (!context.isRestored()) return;

        KeyedStateBackend<String> backend = getKeyedStateBackend();
        List<String> shards;
        try (Stream<String> keys = backend.getKeys(STATE_NAME, VoidNamespace.INSTANCE)) {
            shards = keys.collect(Collectors.toList());
        }
        for (String shardId : shards) {
            setCurrentKey(shardId);
            byte[] bytes = progressState.value();
            if (bytes == null) continue;
            ShardProgress p = SimpleVersionedSerialization.readVersionAndDeSerialize(ShardProgressSerializer.INSTANCE, bytes);
            ShardLane lane = ShardLane.restore(shardId, p);
            lane.metrics = new ShardDeliveryMetrics(getMetricGroup(), shardId, lane);
            lanes.put(shardId, lane);
            buffered += p.pending.size();
            if (p.inFlightRecords > 0) restoredInFlight.put(shardId, p.inFlightRecords);
        }
        LOG.info("{}: restored {} shards with {} undelivered records ({} batches to send again)",
                config.operatorName(), lanes.size(), buffered, restoredInFlight.size());
    }

    @Override
    public void open() throws Exception {
        super.open();
        encoder = new EventEncoder(config.project(), config.topic(), config.region(), config.blobEncoding());
        backoff = new RetryBackoff(config.retryInterval().toMillis(), config.maxThrottleBackoff().toMillis());
        int threads = config.maxConcurrency();
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemonThreads(config.operatorName() + " (subtask "
                        + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + ") invoker "));
        pool.allowCoreThreadTimeOut(true);
        invoker = invokerFactory.create();
        if (deadLetterFactory != null) deadLetters = deadLetterFactory.create();
        DeliveryLagMetrics.register(getMetricGroup(), this::maxMillisBehindLatest, this::syncedUpTo);

        for (ShardLane lane : new ArrayList<>(lanes.values())) {
            Integer inFlight = restoredInFlight.remove(lane.shardId);
            if (inFlight != null) resendRestoredBatch(lane, inFlight);
            else tryStart(lane);
        }
    }

    /**
     * For a savepoint, first waits — yielding to the mailbox, so answers keep arriving — until no
     * invocation is on the wire, and starts no new one meanwhile. A savepoint then never holds a batch
     * that FC may already have run, so stop-with-savepoint and resume delivers every record exactly
     * once. Ordinary checkpoints do not wait: a slow function must not hold up checkpointing, and a
     * batch in flight at a checkpoint is sent again after a failover (at-least-once, same eventIds).
     */
    @Override
    public OperatorSnapshotFutures snapshotState(long checkpointId, long timestamp, CheckpointOptions options,
                                                 CheckpointStreamFactory storage) throws Exception {
        if (!options.getCheckpointType().isSavepoint()) {
            return super.snapshotState(checkpointId, timestamp, options, storage);
        }
        boolean stopping = options.getCheckpointType() instanceof SavepointType
                && ((SavepointType) options.getCheckpointType()).isSynchronous();
        drainingForSavepoint = true;
        try {
            while (anyInvoking()) mailbox.yield();
            return super.snapshotState(checkpointId, timestamp, options, storage);
        } finally {
            drainingForSavepoint = false;
            if (stopping) stoppedAtSavepoint = checkpointId;
            else resumeAfterSavepoint();
        }
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        super.notifyCheckpointAborted(checkpointId);
        if (checkpointId == stoppedAtSavepoint) { // the stop failed: the job goes on
            stoppedAtSavepoint = -1;
            resumeAfterSavepoint();
        }
    }

    private boolean anyInvoking() {
        for (ShardLane lane : lanes.values()) {
            if (lane.phase == ShardLane.Phase.INVOKING) return true;
        }
        return false;
    }

    private void resumeAfterSavepoint() throws Exception {
        List<ShardLane> retries = new ArrayList<>(deferredRetries);
        deferredRetries.clear();
        for (ShardLane lane : retries) {
            if (lane.phase == ShardLane.Phase.WAITING_TO_RETRY) invoke(lane);
        }
        for (ShardLane lane : new ArrayList<>(lanes.values())) tryStart(lane);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        for (ShardLane lane : lanes.values()) {
            setCurrentKey(lane.shardId);
            progressState.update(SimpleVersionedSerialization.writeVersionAndSerialize(
                    ShardProgressSerializer.INSTANCE, lane.snapshot()));
        }
    }

    /** Bounded input ended: send what is left without waiting for fuller batches, and wait until it is delivered. */
    @Override
    public void endInput() throws Exception {
        endOfInput = true;
        for (ShardLane lane : new ArrayList<>(lanes.values())) {
            if (lane.phase == ShardLane.Phase.WAITING_FOR_MORE) lane.phase = ShardLane.Phase.IDLE;
            tryStart(lane);
        }
        while (buffered > 0) mailbox.yield();
    }

    @Override
    public void close() throws Exception {
        closing = true;
        try {
            if (pool != null) pool.shutdownNow(); // a call stuck in FC ends with its read timeout; threads are daemons
            if (invoker != null) invoker.close();
            if (deadLetters != null) deadLetters.close();
        } finally {
            super.close();
        }
    }

    // ---------------------------------------------------------------- records in

    @Override
    public void processElement(StreamRecord<ShardRecord> element) throws Exception {
        // backpressure: let answers and timers run (they free room) instead of taking more input
        while (buffered >= config.maxBufferedRecords()) mailbox.yield();

        ShardRecord record = element.getValue();
        if (record.isMarker()) return; // START/END order markers: this operator does not gate on them
        ShardLane lane = lanes.computeIfAbsent(record.shardId, this::newLane);
        if (record.sequence <= lane.highestSequence()) {
            LOG.debug("{}: dropping {} again: shard {} already holds sequence {}", config.operatorName(), record,
                    lane.shardId, lane.highestSequence());
            return;
        }
        lane.add(record, getProcessingTimeService().getCurrentProcessingTime());
        buffered++;
        if (lane.phase == ShardLane.Phase.WAITING_FOR_MORE && batchIsFull(lane)) {
            lane.phase = ShardLane.Phase.IDLE;
            lane.timerToken++; // the batch.max-wait timer is no longer needed
        }
        tryStart(lane);
    }

    private ShardLane newLane(String shardId) {
        ShardLane lane = new ShardLane(shardId);
        lane.metrics = new ShardDeliveryMetrics(getMetricGroup(), shardId, lane);
        return lane;
    }

    private boolean batchIsFull(ShardLane lane) {
        return lane.waitingRecords() >= config.batchMaxRecords() || lane.waitingPayloadBytes >= config.batchMaxBytes();
    }

    // ---------------------------------------------------------------- batches out

    /** Starts the lane's next batch if nothing of the shard is out and the batch is due. */
    private void tryStart(ShardLane lane) throws Exception {
        if (drainingForSavepoint || stoppedAtSavepoint >= 0 || lane.phase != ShardLane.Phase.IDLE || lane.pending.isEmpty()) return;
        long waitMs = config.batchMaxWait().toMillis();
        if (!endOfInput && waitMs > 0 && !batchIsFull(lane)) {
            long due = lane.openedAt + waitMs;
            if (getProcessingTimeService().getCurrentProcessingTime() < due) {
                lane.phase = ShardLane.Phase.WAITING_FOR_MORE;
                long token = ++lane.timerToken;
                getProcessingTimeService().registerTimer(due, time -> {
                    if (lane.timerToken == token && lane.phase == ShardLane.Phase.WAITING_FOR_MORE) {
                        lane.phase = ShardLane.Phase.IDLE;
                        tryStart(lane);
                    }
                });
                return;
            }
        }
        EncodedEvent event;
        try {
            event = encoder.encode(lane.pending, config.batchMaxRecords(), config.batchMaxBytes());
        } catch (RecordDataException e) {
            undeliverableRecord(lane, e);
            return;
        }
        lane.batchStarted(event);
        invoke(lane);
    }

    private void resendRestoredBatch(ShardLane lane, int records) throws Exception {
        EncodedEvent event;
        try {
            event = encoder.encode(lane.pending, records, config.batchMaxBytes());
        } catch (RecordDataException e) {
            undeliverableRecord(lane, e);
            return;
        }
        lane.batchStarted(event);
        if (lane.failedAttempts >= config.retryMaxAttempts()) {
            exhausted(lane); // it was being dead-lettered when the checkpoint was taken
        } else {
            // A restore is a new run, typically after the function was fixed: the batch gets the full
            // retry.max-attempts again instead of the few the failing run left over.
            lane.forgetFailedAttempts();
            invoke(lane);
        }
    }

    private void invoke(ShardLane lane) {
        lane.phase = ShardLane.Phase.INVOKING;
        lane.invokeStartedNanos = System.nanoTime();
        byte[] json = lane.inFlight.json();
        runOnPool(() -> {
            if (closing) return; // cancelled while queued: the batch is in state and goes again after a restore
            InvocationResult result = invokeSafely(json);
            toMailbox(() -> onAnswer(lane, result), "FC answer for shard %s", lane.shardId);
        });
    }

    /** The invoker promises to classify everything; this guards the operator against one that does not. */
    private InvocationResult invokeSafely(byte[] json) {
        long start = System.nanoTime();
        try {
            return invoker.invoke(json);
        } catch (RuntimeException | Error e) {
            return new InvocationResult(InvocationOutcome.NETWORK, 0, null, e.getClass().getName(), e.getMessage(),
                    System.nanoTime() - start, 1);
        }
    }

    private void onAnswer(ShardLane lane, InvocationResult result) throws Exception {
        if (lane.phase != ShardLane.Phase.INVOKING) return;
        lane.metrics.invoked(result.latencyNanos() > 0 ? result.latencyNanos() : System.nanoTime() - lane.invokeStartedNanos);
        if (result.isSuccess()) {
            batchDone(lane);
            return;
        }
        lane.attemptFailed(result.describe(), result.requestId());
        lane.metrics.failedAttempt();
        if (lane.failedAttempts >= config.retryMaxAttempts()) {
            exhausted(lane);
            return;
        }
        long delay = backoff.delayMs(result.outcome(), lane.failedAttempts);
        if (lane.failedAttempts == 1 || lane.failedAttempts % 32 == 0) {
            LOG.warn("{}: shard {} sequences {}..{} failed attempt {} of {} ({}); trying again in {} ms",
                    config.operatorName(), lane.shardId, lane.inFlight.firstSequence(), lane.inFlight.lastSequence(),
                    lane.failedAttempts, config.retryMaxAttempts(), result.describe(), delay);
        } else {
            LOG.debug("{}: shard {} failed attempt {}: {}", config.operatorName(), lane.shardId, lane.failedAttempts,
                    result.describe());
        }
        lane.retryIn(delay);
        schedule(lane, delay, () -> {
            if (lane.phase != ShardLane.Phase.WAITING_TO_RETRY) return;
            if (drainingForSavepoint || stoppedAtSavepoint >= 0) deferredRetries.add(lane);
            else invoke(lane);
        });
    }

    private void batchDone(ShardLane lane) throws Exception {
        buffered -= lane.batchDone().size();
        tryStart(lane);
    }

    // ---------------------------------------------------------------- exhaustion

    private void undeliverableRecord(ShardLane lane, RecordDataException e) throws Exception {
        ShardRecord head = lane.pending.peekFirst();
        lane.batchStarted(encoder.encodeRejected(head));
        lane.lastError = e.getMessage();
        lane.lastRequestId = null;
        if (config.onExhausted() == OnExhausted.FAIL) {
            lane.exhausted(ShardLane.Phase.EXHAUSTED);
            String message = String.format("%s: record %s:%d of DataHub project %s, topic %s (shard %s, sequence %d)"
                            + " cannot be delivered: %s. Nothing from sequence %d of this shard on was delivered."
                            + " The job will not restart by itself: fix the data or the settings, then resume from the"
                            + " latest retained checkpoint (or set on-exhausted=dead-letter to set such records aside).",
                    config.operatorName(), lane.shardId, head.sequence, config.project(), config.topic(), lane.shardId,
                    head.sequence, e.getMessage(), head.sequence);
            LOG.error(message);
            throw new SuppressRestartsException(new ShardExhaustedException(message));
        }
        writeDeadLetter(lane, "data-error");
    }

    private void exhausted(ShardLane lane) {
        if (config.onExhausted() == OnExhausted.FAIL) {
            lane.exhausted(ShardLane.Phase.EXHAUSTED);
            EncodedEvent batch = lane.inFlight;
            String message = String.format("%s: shard %s of DataHub project %s, topic %s is exhausted: records"
                            + " %s:%d..%s:%d (sequences %d..%d, %d records) failed %d attempts (retry.max-attempts=%d)."
                            + " Last error: %s; request id: %s. Nothing from sequence %d of this shard on was delivered."
                            + " The job will not restart by itself: fix the function, then resume from the latest"
                            + " retained checkpoint (or set on-exhausted=dead-letter).",
                    config.operatorName(), lane.shardId, config.project(), config.topic(), lane.shardId,
                    batch.firstSequence(), lane.shardId, batch.lastSequence(), batch.firstSequence(), batch.lastSequence(),
                    batch.recordCount(), lane.failedAttempts, config.retryMaxAttempts(), lane.lastError,
                    lane.lastRequestId == null ? "none" : lane.lastRequestId, batch.firstSequence());
            LOG.error(message);
            throw new SuppressRestartsException(new ShardExhaustedException(message));
        }
        writeDeadLetter(lane, "exhausted");
    }

    private void writeDeadLetter(ShardLane lane, String reason) {
        lane.exhausted(ShardLane.Phase.DEAD_LETTERING);
        EncodedEvent batch = lane.inFlight;
        DeadLetter letter = DeadLetter.of(batch.json(), reason, config.project(), config.topic(), lane.shardId,
                batch.firstSequence(), batch.lastSequence(), batch.recordCount(), lane.failedAttempts, lane.lastError,
                lane.lastRequestId, getProcessingTimeService().getCurrentProcessingTime());
        writeDeadLetter(lane, letter, 0);
    }

    private void writeDeadLetter(ShardLane lane, DeadLetter letter, int failedWrites) {
        runOnPool(() -> {
            Exception failure = null;
            try {
                deadLetters.write(letter);
            } catch (Exception e) {
                failure = e;
            }
            Exception f = failure;
            toMailbox(() -> onDeadLetterWritten(lane, letter, failedWrites, f), "dead letter of shard %s", lane.shardId);
        });
    }

    private void onDeadLetterWritten(ShardLane lane, DeadLetter letter, int failedWritesBefore, Exception failure)
            throws Exception {
        if (lane.phase != ShardLane.Phase.DEAD_LETTERING) return;
        EncodedEvent batch = lane.inFlight;
        if (failure == null) {
            LOG.warn("{}: shard {} sequences {}..{} ({}) went to dead-letter topic {} after {} failed attempts; last error: {}",
                    config.operatorName(), lane.shardId, batch.firstSequence(), batch.lastSequence(),
                    letter.attributes.get("reason"), config.deadLetterTopic(), lane.failedAttempts, lane.lastError);
            lane.metrics.deadLettered(batch.recordCount());
            batchDone(lane);
            return;
        }
        int failedWrites = failedWritesBefore + 1;
        if (failedWrites >= config.retryMaxAttempts()) {
            lane.exhausted(ShardLane.Phase.EXHAUSTED);
            String message = String.format("%s: shard %s of DataHub project %s, topic %s: records %s:%d..%s:%d could"
                            + " neither be delivered (%s) nor written to dead-letter topic %s after %d attempts: %s."
                            + " The job will not restart by itself: fix the dead-letter topic, then resume from the"
                            + " latest retained checkpoint.",
                    config.operatorName(), lane.shardId, config.project(), config.topic(), lane.shardId,
                    batch.firstSequence(), lane.shardId, batch.lastSequence(), lane.lastError, config.deadLetterTopic(),
                    failedWrites, failure);
            LOG.error(message);
            throw new SuppressRestartsException(new ShardExhaustedException(message));
        }
        LOG.warn("{}: writing the dead letter of shard {} to {} failed ({} of {}): {}", config.operatorName(),
                lane.shardId, config.deadLetterTopic(), failedWrites, config.retryMaxAttempts(), failure.toString());
        schedule(lane, config.retryInterval().toMillis(), () -> {
            if (lane.phase == ShardLane.Phase.DEAD_LETTERING) writeDeadLetter(lane, letter, failedWrites);
        });
    }

    // ---------------------------------------------------------------- plumbing

    /** Runs {@code action} in the mailbox after {@code delayMs}, unless a newer timer of the lane replaced it. */
    private void schedule(ShardLane lane, long delayMs, ThrowingRunnable<Exception> action) {
        long token = ++lane.timerToken;
        long due = getProcessingTimeService().getCurrentProcessingTime() + delayMs;
        getProcessingTimeService().registerTimer(due, time -> {
            if (lane.timerToken == token) action.run();
        });
    }

    private void runOnPool(Runnable work) {
        try {
            pool.execute(work);
        } catch (RejectedExecutionException e) {
            if (!closing) throw e;
        }
    }

    private void toMailbox(ThrowingRunnable<Exception> action, String description, Object... args) {
        try {
            mailbox.execute(action, description, args);
        } catch (RejectedExecutionException e) {
            // the task is shutting down; the batch stays in state and is sent again after a restore
        }
    }

    private long maxMillisBehindLatest() {
        long max = 0;
        for (ShardLane lane : lanes.values()) max = Math.max(max, lane.millisBehindLatest());
        return max;
    }

    private long syncedUpTo() {
        long min = Long.MAX_VALUE;
        for (ShardLane lane : lanes.values()) {
            long t = lane.syncedUpTo();
            if (t >= 0) min = Math.min(min, t);
        }
        return min == Long.MAX_VALUE ? -1 : min;
    }

    /** Number of records this subtask holds; for tests. */
    int bufferedRecords() {
        return buffered;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
