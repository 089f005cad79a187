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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.CheckpointStreamFactory;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFutures;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the records of each shard (the key) to Function Compute, strictly in sequence order.
 *
 * <p>Per shard at most one batch is out at a time and the next batch starts only after the previous
 * one succeeded; different shards are invoked concurrently on a pool of
 * {@code delivery.max-concurrency} threads. The task thread never waits for FC: answers, retry
 * pauses and {@code batch.max-wait} timers come back as mails on the task's mailbox.
 *
 * <p>This class drives the lanes through Flink's operator life cycle and leaves each concern to its
 * own part: {@link ShardLane} (one shard's state machine), {@link Batching} (when a batch is due and
 * what it holds), {@link RetryPolicy} (attempt accounting and pauses), {@link Exhaustion} (what
 * {@code on-exhausted} does), {@link DeadLetters}, {@link SavepointDrain} (exactly-once
 * stop-with-savepoint) and {@link LaneStore} (versioned keyed state).
 */
public final class DeliveryOperator extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<ShardRecord, Void>, BoundedOneInput, LaneActions {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryOperator.class);

    private final DeliveryConfig config;
    private final FunctionInvokerFactory invokerFactory;
    private final DeadLetterWriter.Factory deadLetterFactory; // null unless on-exhausted=dead-letter
    private final transient MailboxExecutor mailbox;

    /** Read by metric gauges on the reporter thread, hence concurrent; changed on the task thread only. */
    private transient Map<String, ShardLane> lanes;
    /** Batch sizes that were out at the restored checkpoint, to send exactly those batches again. */
    private transient Map<String, Integer> restoredInFlight;
    private transient LaneStore store;
    private transient LaneTimers timers;
    private transient Batching batching;
    private transient RetryPolicy retry;
    private transient Exhaustion exhaustion;
    private transient Suspension suspension;
    private transient DeadLetters deadLetters;
    private transient SavepointDrain drain;
    private transient OffTaskWork work;
    private transient FunctionInvoker invoker;
    private transient DeadLetterWriter deadLetterWriter;
    /** Records held by all lanes (pending, including batches that are out). */
    private transient int buffered;
    /** Invocations on the wire. */
    private transient int invoking;
    private transient boolean endOfInput;
    /** Id of the running job: restored attempt counts of the same job go on, those of an earlier run start again. */
    private transient String runId;

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
        store = new LaneStore(context.getKeyedStateStore(), getKeyedStateBackend(), this::setCurrentKey);
        lanes = new ConcurrentHashMap<>();
        restoredInFlight = new HashMap<>();
        drain = new SavepointDrain(mailbox);
        if (!context.isRestored()) return;

        for (Map.Entry<String, ShardProgress> e : store.restoreAll().entrySet()) {
            String shardId = e.getKey();
            ShardProgress p = e.getValue();
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
        timers = new LaneTimers(getProcessingTimeService());
        batching = new Batching(config,
                new EventEncoder(config.project(), config.topic(), config.region(), config.blobEncoding()), timers);
        retry = new RetryPolicy(config);
        runId = getRuntimeContext().getJobInfo().getJobId().toHexString();
        work = new OffTaskWork(config.operatorName() + " (subtask "
                + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + ") invoker ",
                config.maxConcurrency(), mailbox);
        invoker = invokerFactory.create();
        if (deadLetterFactory != null) {
            deadLetterWriter = deadLetterFactory.create();
            deadLetters = new DeadLetters(config, deadLetterWriter, work, timers, drain, this);
        }
        suspension = new Suspension(config, timers, drain, this);
        exhaustion = new Exhaustion(config, deadLetters, suspension);
        DeliveryLagMetrics.register(getMetricGroup(), this::maxMillisBehindLatest, this::syncedUpTo);

        for (ShardLane lane : new ArrayList<>(lanes.values())) {
            Integer inFlight = restoredInFlight.remove(lane.shardId);
            if (inFlight != null) resendRestoredBatch(lane, inFlight);
            else tryStart(lane);
        }
    }

    @Override
    public OperatorSnapshotFutures snapshotState(long checkpointId, long timestamp, CheckpointOptions options,
                                                 CheckpointStreamFactory storage) throws Exception {
        return drain.snapshot(checkpointId, options.getCheckpointType(), this::anyCallOut,
                () -> super.snapshotState(checkpointId, timestamp, options, storage), this::startAll);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        for (ShardLane lane : lanes.values()) store.write(lane.shardId, lane.snapshot(runId));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        drain.completed(checkpointId, this::startAll);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        super.notifyCheckpointAborted(checkpointId);
        drain.aborted(checkpointId, this::startAll);
    }

    /**
     * Bounded input ended: send what is left without waiting for fuller batches, and wait until it is
     * delivered. A run that would end with suspended shards fails instead, naming them: ending
     * "finished" would lose their records.
     */
    @Override
    public void endInput() throws Exception {
        endOfInput = true;
        for (ShardLane lane : new ArrayList<>(lanes.values())) {
            batching.inputEnded(lane);
            tryStart(lane);
        }
        while (!allDeliveredOrSuspended()) mailbox.yield();
        List<ShardLane> suspended = lanes.values().stream()
                .filter(l -> l.phase == ShardLane.Phase.SUSPENDED).sorted(Comparator.comparing(l -> l.shardId)).toList();
        if (!suspended.isEmpty()) {
            String which = suspended.stream().map(l -> "shard " + l.shardId + " from sequence " + l.inFlight.firstSequence()
                    + " (" + l.pending.size() + " records; last error: " + l.lastError + ")").collect(Collectors.joining(", "));
            String message = String.format("%s: the bounded run (stop) of DataHub project %s, topic %s cannot finish:"
                            + " %d suspended shard(s) were not delivered: %s. Everything else was delivered. Fix the"
                            + " function, then resume from the latest retained checkpoint (a new run gives each"
                            + " suspended batch its full retry.max-attempts).",
                    config.operatorName(), config.project(), config.topic(), suspended.size(), which);
            LOG.error(message);
            throw new SuppressRestartsException(new ShardExhaustedException(message));
        }
    }

    private boolean allDeliveredOrSuspended() {
        for (ShardLane lane : lanes.values()) {
            if (!lane.pending.isEmpty() && lane.phase != ShardLane.Phase.SUSPENDED) return false;
        }
        return true;
    }

    @Override
    public void close() throws Exception {
        try {
            if (work != null) work.close();
            if (invoker != null) invoker.close();
            if (deadLetterWriter != null) deadLetterWriter.close();
        } finally {
            super.close();
        }
    }

    private boolean anyCallOut() {
        return invoking > 0 || (deadLetters != null && deadLetters.anyWriting());
    }

    private void startAll() throws Exception {
        for (ShardLane lane : new ArrayList<>(lanes.values())) tryStart(lane);
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
        lane.add(record, timers.now());
        buffered++;
        batching.recordAdded(lane);
        tryStart(lane);
    }

    private ShardLane newLane(String shardId) {
        ShardLane lane = new ShardLane(shardId);
        lane.metrics = new ShardDeliveryMetrics(getMetricGroup(), shardId, lane);
        return lane;
    }

    // ---------------------------------------------------------------- batches out

    /** Starts the lane's next batch if nothing of the shard is out and the batch is due. */
    private void tryStart(ShardLane lane) throws Exception {
        if (drain.holdsNewWork() || lane.phase != ShardLane.Phase.IDLE || lane.pending.isEmpty()) return;
        if (!batching.dueNow(lane, endOfInput, this::tryStart)) return;
        EncodedEvent event;
        try {
            event = batching.cut(lane);
        } catch (RecordDataException e) {
            exhaustion.undeliverable(lane, e, batching.encoder().encodeRejected(lane.pending.peekFirst()));
            return;
        }
        lane.batchStarted(event);
        invoke(lane);
    }

    private void resendRestoredBatch(ShardLane lane, int records) throws Exception {
        EncodedEvent event;
        try {
            event = batching.recut(lane, records);
        } catch (RecordDataException e) {
            exhaustion.undeliverable(lane, e, batching.encoder().encodeRejected(lane.pending.peekFirst()));
            return;
        }
        lane.batchStarted(event);
        if (retry.isExhausted(lane) && config.onExhausted() == OnExhausted.DEAD_LETTER) {
            exhaustion.exhausted(lane); // it was being set aside when the checkpoint was taken
            return;
        }
        retry.restored(lane, runId.equals(lane.restoredRunId));
        if (retry.isExhausted(lane)) exhaustion.exhausted(lane);
        else invoke(lane);
    }

    @Override
    public void invoke(ShardLane lane) {
        lane.phase = ShardLane.Phase.INVOKING;
        lane.invokeStartedNanos = System.nanoTime();
        invoking++;
        byte[] json = lane.inFlight.json();
        work.run(() -> invokeSafely(json), result -> {
            invoking--;
            onAnswer(lane, result);
        }, "FC answer for shard %s", lane.shardId);
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
        long delay = retry.attemptFailed(lane, result);
        if (delay < 0) {
            exhaustion.exhausted(lane);
            return;
        }
        lane.retryIn(delay);
        timers.after(lane, delay, () -> drain.runOrDefer(() -> {
            if (lane.phase == ShardLane.Phase.WAITING_TO_RETRY) invoke(lane);
        }));
    }

    @Override
    public void cutAgain(ShardLane lane) throws Exception {
        lane.uncutBatch();
        tryStart(lane);
    }

    /**
     * Tries a suspended shard's batch at once with a fresh {@code retry.max-attempts}.
     *
     * @return false if the shard is not held here or not suspended (nothing changes then)
     */
    boolean resume(String shardId) throws Exception {
        ShardLane lane = lanes.get(shardId);
        return lane != null && suspension.resume(lane);
    }

    @Override
    public void batchDone(ShardLane lane) throws Exception {
        buffered -= lane.batchDone().size();
        tryStart(lane);
    }

    // ---------------------------------------------------------------- metrics

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

    /** The shard's {@code state} gauge value, or -1 if this subtask holds no such shard; for tests. */
    int stateOf(String shardId) {
        ShardLane lane = lanes.get(shardId);
        return lane == null ? -1 : lane.state();
    }

    /** Number of records this subtask holds; for tests. */
    int bufferedRecords() {
        return buffered;
    }
}
