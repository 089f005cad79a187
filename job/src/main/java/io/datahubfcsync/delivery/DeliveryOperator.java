package io.datahubfcsync.delivery;

import io.datahubfcsync.delivery.coordination.DeliveredShardsEvent;
import io.datahubfcsync.delivery.coordination.FinishingAcknowledgedEvent;
import io.datahubfcsync.delivery.coordination.PaceShareEvent;
import io.datahubfcsync.delivery.coordination.ResumeCommandEvent;
import io.datahubfcsync.delivery.coordination.StatusQueryEvent;
import io.datahubfcsync.delivery.coordination.StatusReportEvent;
import io.datahubfcsync.event.EncodedEvent;
import io.datahubfcsync.event.EventEncoder;
import io.datahubfcsync.event.RecordDataException;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.fc.FunctionInvoker;
import io.datahubfcsync.fc.FunctionInvokerFactory;
import io.datahubfcsync.fc.InvocationOutcome;
import io.datahubfcsync.fc.InvocationResult;
import io.datahubfcsync.metrics.DeliveryLagMetrics;
import io.datahubfcsync.metrics.MetricNames;
import io.datahubfcsync.metrics.ShardDeliveryMetrics;
import io.datahubfcsync.progress.DeliveredPosition;
import io.datahubfcsync.progress.ProgressPublisher;
import io.datahubfcsync.source.reader.ReaderCounters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;
import org.apache.flink.runtime.operators.coordination.OperatorEventGateway;
import org.apache.flink.runtime.operators.coordination.OperatorEventHandler;
import org.apache.flink.runtime.state.CheckpointStreamFactory;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFutures;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.util.FlinkRuntimeException;
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
 * own part: {@link DeliveryLane} (one shard's state machine), {@link FlowControl} (per-shard budgets),
 * {@link CatchUp} (reading back what a lane let go), {@link Batching} (when a batch is due and what
 * it holds), {@link RetryPolicy} (attempt accounting), {@link CredentialRefusals},
 * {@link Exhaustion} (what {@code on-exhausted} does), {@link Suspension}, {@link DeadLetters},
 * {@link ParentGate} (order across split and merge, with the operator's coordinator),
 * {@link ControlRequests} (status and resume), {@link SavepointDrain} (exactly-once
 * stop-with-savepoint) and {@link LaneStore} (versioned keyed state).
 */
public final class DeliveryOperator extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<ShardRecord, Void>,
                BoundedOneInput,
                OperatorEventHandler,
                LaneActions,
                CatchUp.Listener {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryOperator.class);

    private final DeliveryConfig config;
    private final FunctionInvokerFactory invokerFactory;
    private final DeadLetterWriter.Factory deadLetterFactory; // null unless on-exhausted=dead-letter
    private final CatchUp.Readers catchUpReaders; // null: lanes keep every record, the subtask is backpressured
    private final transient MailboxExecutor mailbox;

    /** Read by metric gauges on the reporter thread, hence concurrent; changed on the task thread only. */
    private transient Map<String, DeliveryLane> lanes;
    /** Batch sizes that were out at the restored checkpoint, to send exactly those batches again. */
    private transient Map<String, Integer> restoredInFlight;

    private transient LaneStore store;
    private transient LaneTimers timers;
    private transient Batching batching;
    private transient RetryPolicy retry;
    private transient CredentialRefusals credentials;
    private transient Exhaustion exhaustion;
    private transient Suspension suspension;
    private transient CatchUp catchUp;
    private transient FlowControl flow;
    private transient ControlRequests control;
    private transient ParentGate gate;
    /** The delivery coordinator; set by the factory. */
    private transient OperatorEventGateway coordinator;

    private transient ReaderCounters catchUpCounters;
    private transient DeadLetters deadLetters;
    private transient SavepointDrain drain;
    private transient OffTaskWork work;
    /** {@code delivery.max-records-per-second} of this subtask; null when unlimited. */
    private transient Pacer pacer;
    /** Tells the coordinator how many shards compete for the rate; null when unlimited. */
    private transient PaceReports paceReports;

    private transient FinishHandshake finishHandshake;

    private transient FunctionInvoker invoker;
    private transient DeadLetterWriter deadLetterWriter;
    /** Mirrors delivered positions into a DataHub subscription; null unless {@code datahub.subscription} is set. */
    private transient ProgressPublisher progress;
    /** Records held by all lanes (pending, including batches that are out). */
    private transient int buffered;
    /** Invocations on the wire. */
    private transient int invoking;

    private transient boolean endOfInput;
    /** Id of the running job: restored attempt counts of the same job go on, those of an earlier run start again. */
    private transient String runId;

    DeliveryOperator(
            StreamOperatorParameters<Void> parameters,
            DeliveryConfig config,
            FunctionInvokerFactory invokerFactory,
            DeadLetterWriter.Factory deadLetterFactory,
            CatchUp.Readers catchUpReaders) {
        super(parameters);
        this.config = config;
        this.invokerFactory = invokerFactory;
        this.deadLetterFactory = deadLetterFactory;
        this.catchUpReaders = catchUpReaders;
        this.mailbox = parameters.getMailboxExecutor();
    }

    /** Called by the factory, before the operator is set up. */
    void setCoordinatorGateway(OperatorEventGateway gateway) {
        this.coordinator = gateway;
    }

    // ---------------------------------------------------------------- lifecycle and state

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        store = new LaneStore(context.getKeyedStateStore(), getKeyedStateBackend(), this::setCurrentKey);
        lanes = new ConcurrentHashMap<>();
        restoredInFlight = new HashMap<>();
        drain = new SavepointDrain(mailbox);
        gate = new ParentGate(config.operatorName(), coordinator != null ? coordinator : event -> {});
        if (!context.isRestored()) return;

        for (Map.Entry<String, CheckpointedLane> e : store.restoreAll().entrySet()) {
            String shardId = e.getKey();
            CheckpointedLane p = e.getValue();
            DeliveryLane lane = DeliveryLane.restore(shardId, p);
            lane.metrics = new ShardDeliveryMetrics(getMetricGroup(), shardId, lane);
            lanes.put(shardId, lane);
            buffered += p.pending.size();
            if (p.inFlightRecords > 0) restoredInFlight.put(shardId, p.inFlightRecords);
        }
        LOG.info(
                "{}: restored {} shards with {} undelivered records ({} batches to send again)",
                config.operatorName(),
                lanes.size(),
                buffered,
                restoredInFlight.size());
    }

    @Override
    public void open() throws Exception {
        super.open();
        timers = new LaneTimers(getProcessingTimeService());
        batching = new Batching(
                config,
                new EventEncoder(config.project(), config.topic(), config.region(), config.blobEncoding()),
                timers);
        retry = new RetryPolicy(config);
        credentials = new CredentialRefusals(config);
        runId = getRuntimeContext().getJobInfo().getJobId().toHexString();
        work = new OffTaskWork(
                config.operatorName() + " (subtask "
                        + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + ") invoker ",
                config.maxConcurrency(),
                mailbox);
        invoker = invokerFactory.create();
        if (config.maxRecordsPerSecond() > 0) {
            int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
            pacer = new Pacer(
                    (double) config.maxRecordsPerSecond() / parallelism,
                    Pacer.Clock.of(getProcessingTimeService()),
                    this::tryStart);
            getMetricGroup().gauge(MetricNames.Delivery.PACED_RECORDS_PER_SECOND, pacer::currentRatePerSecond);
            getMetricGroup()
                    .gauge(
                            MetricNames.Delivery.PACED_SHARDS,
                            () -> paceReports == null ? 0 : Math.max(0, paceReports.reported()));
            if (coordinator != null) {
                paceReports = new PaceReports(coordinator, this::lanesWantingToSend, drain::holdsNewWork);
                paceReports.start(getProcessingTimeService());
            }
        }
        finishHandshake = new FinishHandshake(config.operatorName());
        if (deadLetterFactory != null) {
            deadLetterWriter = deadLetterFactory.create();
            deadLetters = new DeadLetters(config, deadLetterWriter, work, timers, drain, this);
        }
        suspension = new Suspension(config, timers, drain, this);
        control = new ControlRequests(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), suspension);
        flow = new FlowControl(config, catchUpReaders != null, mailbox, () -> buffered, () -> lanes.size());
        catchUpCounters = ReaderCounters.register(getMetricGroup().addGroup(MetricNames.CATCH_UP_GROUP));
        catchUp = new CatchUp(config, catchUpReaders, work, getProcessingTimeService(), this, catchUpCounters);
        exhaustion = new Exhaustion(config, deadLetters, suspension);
        DeliveryLagMetrics.register(getMetricGroup(), this::maxMillisBehindLatest, this::syncedUpTo);
        if (config.progressMirror() != null) {
            progress = new ProgressPublisher(
                    config.progressMirror().create(),
                    config.operatorName() + " (subtask "
                            + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + ") subscription commits");
            progress.registerMetrics(getMetricGroup());
        }

        for (DeliveryLane lane : new ArrayList<>(lanes.values())) {
            Integer inFlight = restoredInFlight.remove(lane.shardId);
            if (inFlight != null) resendRestoredBatch(lane, inFlight);
            else advance(lane);
            gate.reportIfDelivered(
                    lane); // again: the report of the run before may not be in the coordinator's checkpoint
        }
    }

    @Override
    public OperatorSnapshotFutures snapshotState(
            long checkpointId, long timestamp, CheckpointOptions options, CheckpointStreamFactory storage)
            throws Exception {
        return drain.snapshot(
                checkpointId,
                options.getCheckpointType(),
                this::anyCallOut,
                () -> super.snapshotState(checkpointId, timestamp, options, storage),
                this::startAll);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        for (DeliveryLane lane : lanes.values()) store.write(lane.shardId, lane.snapshot(runId));
        if (progress != null) {
            List<DeliveredPosition> positions = new ArrayList<>();
            for (DeliveryLane lane : lanes.values()) {
                positions.add(new DeliveredPosition(lane.shardId, lane.deliveredSequence(), lane.deliveredSystemTime));
            }
            progress.checkpointTaken(context.getCheckpointId(), positions);
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        drain.completed(checkpointId, this::startAll);
        if (progress != null) progress.checkpointCompleted(checkpointId);
        for (String shardId : gate.forgettable(checkpointId)) remove(shardId);
    }

    /** A shard delivered to its END, and known so to a completed checkpoint of the coordinator: its lane, state and metrics go. */
    private void remove(String shardId) {
        DeliveryLane lane = lanes.get(shardId);
        if (lane == null || !lane.deliveredToEnd()) return;
        lanes.remove(shardId);
        lane.removed = true;
        if (pacer != null) pacer.forget(lane);
        catchUp.closeReader(lane);
        store.remove(shardId);
        lane.metrics.close();
        LOG.info("{}: shard {} is done with: its lane, state and metrics are gone", config.operatorName(), shardId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        super.notifyCheckpointAborted(checkpointId);
        drain.aborted(checkpointId, this::startAll);
        if (progress != null) progress.checkpointAborted(checkpointId);
    }

    /**
     * Bounded input ended: send what is left without waiting for fuller batches, and wait until it is
     * delivered. A run that would end with suspended shards fails instead, naming them: ending
     * "finished" would lose their records.
     */
    @Override
    public void endInput() throws Exception {
        endOfInput = true;
        for (DeliveryLane lane : new ArrayList<>(lanes.values())) {
            batching.inputEnded(lane);
            advance(lane);
        }
        // The operator's own mailbox executor yields only to mails of its priority (FC answers,
        // timers); events from the coordinator come as the task's mails of the lowest priority, and
        // a child shard may wait for one (its parent delivered on another subtask), so wait on all.
        MailboxExecutor anyMail =
                getContainingTask().getMailboxExecutorFactory().createExecutor(TaskMailbox.MIN_PRIORITY);
        while (!allDeliveredOrSuspended()) anyMail.yield();
        suspension.failIfAnySuspended(lanes.values());
        if (paceReports != null) paceReports.stop();
        if (coordinator != null) finishHandshake.finish(coordinator, anyMail, getProcessingTimeService());
    }

    private boolean allDeliveredOrSuspended() {
        for (DeliveryLane lane : lanes.values()) {
            if ((!lane.pending.isEmpty() || lane.hasGap()) && lane.phase != DeliveryLane.Phase.SUSPENDED) return false;
        }
        return true;
    }

    @Override
    public void close() throws Exception {
        try {
            if (lanes != null && catchUp != null) lanes.values().forEach(catchUp::closeReader);
            if (work != null) work.close();
            if (invoker != null) invoker.close();
            if (deadLetterWriter != null) deadLetterWriter.close();
            if (progress != null) progress.close();
        } finally {
            super.close();
        }
    }

    private boolean anyCallOut() {
        return invoking > 0 || (deadLetters != null && deadLetters.anyWriting());
    }

    private void startAll() throws Exception {
        for (DeliveryLane lane : new ArrayList<>(lanes.values())) advance(lane);
    }

    // ---------------------------------------------------------------- records in

    @Override
    public void processElement(StreamRecord<ShardRecord> element) throws Exception {
        ShardRecord record = element.getValue();
        DeliveryLane lane = lanes.computeIfAbsent(record.shardId, this::newLane);
        if (record.isMarker()) {
            onMarker(lane, record);
            return;
        }
        if (record.sequence <= lane.highestSequence()) {
            LOG.debug(
                    "{}: dropping {} again: shard {} already holds sequence {}",
                    config.operatorName(),
                    record,
                    lane.shardId,
                    lane.highestSequence());
            return;
        }
        if (!flow.keep(lane, record)) return;
        lane.add(record, timers.now());
        buffered++;
        batching.recordAdded(lane);
        tryStart(lane);
    }

    private void onMarker(DeliveryLane lane, ShardRecord marker) throws Exception {
        if (marker.isEnd()) {
            lane.endSequence = marker.sequence;
            LOG.debug("{}: shard {} ends at sequence {}", config.operatorName(), lane.shardId, marker.sequence);
            gate.reportIfDelivered(lane);
        } else if (marker.isStart()) {
            gate.started(lane, marker.parents == null ? List.of() : List.of(marker.parents));
        }
    }

    // ---------------------------------------------------------------- coordinator events

    @Override
    public void handleOperatorEvent(OperatorEvent event) {
        try {
            if (event instanceof DeliveredShardsEvent delivered) {
                for (DeliveryLane lane : gate.learned(delivered, new ArrayList<>(lanes.values()))) advance(lane);
            } else if (event instanceof StatusQueryEvent query) {
                coordinator.sendEventToCoordinator(
                        new StatusReportEvent(query.requestId(), control.statuses(lanes.values())));
            } else if (event instanceof ResumeCommandEvent resume) {
                coordinator.sendEventToCoordinator(control.resume(resume, lanes.values()));
            } else if (event instanceof PaceShareEvent share) {
                if (pacer != null) pacer.setRate(share.recordsPerSecond());
            } else if (event instanceof FinishingAcknowledgedEvent) {
                finishHandshake.acknowledged();
            } else {
                LOG.warn("{}: unexpected event from the coordinator: {}", config.operatorName(), event);
            }
        } catch (Exception e) {
            throw new FlinkRuntimeException(config.operatorName() + ": handling " + event + " failed", e);
        }
    }

    private DeliveryLane newLane(String shardId) {
        DeliveryLane lane = new DeliveryLane(shardId);
        lane.metrics = new ShardDeliveryMetrics(getMetricGroup(), shardId, lane);
        return lane;
    }

    // ---------------------------------------------------------------- batches out

    /** Starts the lane's next batch if nothing of the shard is out, its parents are delivered and the batch is due. */
    private void tryStart(DeliveryLane lane) throws Exception {
        if (paceReports != null) paceReports.laneChanged(lane);
        if (drain.holdsNewWork()
                || lane.phase != DeliveryLane.Phase.IDLE
                || lane.pending.isEmpty()
                || !lane.parentsDelivered
                || lane.removed) {
            return;
        }
        if (!batching.dueNow(lane, endOfInput, this::tryStart)) return;
        if (pacer != null && !pacer.admit(lane)) return;
        EncodedEvent event;
        try {
            event = batching.cut(lane);
        } catch (RecordDataException e) {
            exhaustion.undeliverable(lane, e, batching.encoder().encodeRejected(lane.pending.peekFirst()));
            return;
        }
        if (pacer != null) pacer.took(event.recordCount());
        lane.batchStarted(event);
        invoke(lane);
    }

    private void resendRestoredBatch(DeliveryLane lane, int records) throws Exception {
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
    public void invoke(DeliveryLane lane) {
        lane.phase = DeliveryLane.Phase.INVOKING;
        lane.invokeStartedNanos = System.nanoTime();
        invoking++;
        byte[] json = lane.inFlight.json();
        work.run(
                () -> invokeSafely(json),
                result -> {
                    invoking--;
                    onAnswer(lane, result);
                },
                "FC answer for shard %s",
                lane.shardId);
    }

    /** The invoker promises to classify everything; this guards the operator against one that does not. */
    private InvocationResult invokeSafely(byte[] json) {
        long start = System.nanoTime();
        try {
            return invoker.invoke(json);
        } catch (RuntimeException | Error e) {
            return new InvocationResult(
                    InvocationOutcome.NETWORK,
                    0,
                    null,
                    e.getClass().getName(),
                    e.getMessage(),
                    System.nanoTime() - start,
                    1);
        }
    }

    private void onAnswer(DeliveryLane lane, InvocationResult result) throws Exception {
        if (lane.phase != DeliveryLane.Phase.INVOKING) return;
        lane.metrics.invoked(
                result.latencyNanos() > 0 ? result.latencyNanos() : System.nanoTime() - lane.invokeStartedNanos);
        if (result.outcome().isAuthFailure()) {
            long pause = credentials.refused(lane, result, timers.now());
            lane.retryIn(pause);
            timers.after(
                    lane,
                    pause,
                    () -> drain.runOrDefer(() -> {
                        if (lane.phase == DeliveryLane.Phase.WAITING_TO_RETRY) invoke(lane);
                    }));
            return;
        }
        credentials.accepted(lane);
        if (pacer != null && result.outcome() == InvocationOutcome.THROTTLED) pacer.throttled();
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
        timers.after(
                lane,
                delay,
                () -> drain.runOrDefer(() -> {
                    if (lane.phase == DeliveryLane.Phase.WAITING_TO_RETRY) invoke(lane);
                }));
    }

    @Override
    public void cutAgain(DeliveryLane lane) throws Exception {
        lane.uncutBatch();
        tryStart(lane);
    }

    /**
     * Tries a suspended shard's batch at once with a fresh {@code retry.max-attempts}.
     *
     * @return false if the shard is not held here or not suspended (nothing changes then)
     */
    boolean resume(String shardId) throws Exception {
        DeliveryLane lane = lanes.get(shardId);
        return lane != null && suspension.resume(lane);
    }

    @Override
    public void batchDone(DeliveryLane lane) throws Exception {
        buffered -= lane.batchDone().size();
        advance(lane);
        gate.reportIfDelivered(lane);
    }

    /** Whatever the lane can do next: its next batch, and reading back what it let go. */
    private void advance(DeliveryLane lane) throws Exception {
        tryStart(lane);
        catchUp.advance(lane, flow.recordsBudget(), flow.bytesBudget());
    }

    @Override
    public void reRead(DeliveryLane lane, int records) throws Exception {
        buffered += records;
        lane.metrics.reRead(records);
        batching.recordAdded(lane);
        tryStart(lane);
    }

    @Override
    public void continueCatchUp(DeliveryLane lane) {
        catchUp.advance(lane, flow.recordsBudget(), flow.bytesBudget());
    }

    // ---------------------------------------------------------------- metrics

    private int lanesWantingToSend() {
        int n = 0;
        for (DeliveryLane lane : lanes.values()) if (lane.wantsToSend()) n++;
        return n;
    }

    private long maxMillisBehindLatest() {
        long max = 0;
        for (DeliveryLane lane : lanes.values()) max = Math.max(max, lane.millisBehindLatest());
        return max;
    }

    /**
     * Epoch ms before which every record this subtask got was delivered: the oldest undelivered
     * record's time, or now when nothing is undelivered (no shard, or all delivered), so that the
     * minimum over subtasks is the job's "done time".
     */
    private long syncedUpTo() {
        long min = Long.MAX_VALUE;
        for (DeliveryLane lane : lanes.values()) {
            long t = lane.oldestUndeliveredTime();
            if (t >= 0) min = Math.min(min, t);
        }
        return min == Long.MAX_VALUE ? System.currentTimeMillis() : min;
    }

    /** The shard's lane, or null. */
    @VisibleForTesting
    DeliveryLane lane(String shardId) {
        return lanes.get(shardId);
    }

    /** The shard's {@code state} gauge value, or -1 if this subtask holds no such shard. */
    @VisibleForTesting
    int stateOf(String shardId) {
        DeliveryLane lane = lanes.get(shardId);
        return lane == null ? -1 : lane.state();
    }

    /** DataHub call counters of the lanes' re-reads (shown as {@code catchUp.*}). */
    @VisibleForTesting
    ReaderCounters catchUpCounters() {
        return catchUpCounters;
    }

    /** Number of records this subtask holds. */
    @VisibleForTesting
    int bufferedRecords() {
        return buffered;
    }
}
