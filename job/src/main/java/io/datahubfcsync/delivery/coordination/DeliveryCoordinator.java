package io.datahubfcsync.delivery.coordination;

import io.datahubfcsync.delivery.control.ResumeRequest;
import io.datahubfcsync.delivery.control.ResumeResponse;
import io.datahubfcsync.delivery.control.ShardState;
import io.datahubfcsync.delivery.control.ShardStatus;
import io.datahubfcsync.delivery.control.ShardStatusRequest;
import io.datahubfcsync.delivery.control.ShardStatusResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;
import org.apache.flink.runtime.operators.coordination.CoordinationRequestHandler;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery operator's coordinator, on the JobManager. It keeps, in its checkpoint, the set of
 * shards delivered to their END and tells every subtask about it, so that a child shard's lane
 * (anywhere in the cluster) holds its records until each parent this job read was delivered. It
 * also answers the status and resume requests of {@link io.datahubfcsync.delivery.control} by
 * asking the subtasks, and with {@code delivery.max-records-per-second} divides the rate over the
 * subtasks by how many shards each has to send ({@link RateShares}).
 *
 * <p>An event that reaches a task that has already finished fails the job, and the JobManager may
 * learn that a task finished only after the coordinator sent it something. So a subtask whose input
 * ended says so ({@link SubtaskFinishingEvent}) and waits for the answer
 * ({@link FinishingAcknowledgedEvent}) before it finishes; from then on the coordinator sends it
 * nothing, and what it would have been told (shards delivered elsewhere, shares) is of no use to a
 * subtask that has delivered everything.
 *
 * <p>Subtask → coordinator events are not aligned with checkpoints: a report can arrive after the
 * coordinator's checkpoint yet come from a subtask state taken before it. So subtasks report again
 * after every restore for as long as they hold the shard, and forget a shard only once a checkpoint
 * that holds the coordinator's knowledge of it has completed ({@link DeliveredShardsEvent#inCheckpointsAfter}).
 *
 * <p>All entry points are synchronized: Flink calls them from its coordinator thread, requests and
 * timeouts come from others.
 */
public final class DeliveryCoordinator implements OperatorCoordinator, CoordinationRequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryCoordinator.class);
    /** How long a status or resume request waits for the subtasks' answers. */
    static final long ANSWER_TIMEOUT_MS = 10_000;

    /** Creates the coordinator of one delivery operator. */
    public static final class Provider implements OperatorCoordinator.Provider {
        private static final long serialVersionUID = 1L;
        private final OperatorID operatorId;
        private final String operatorName;
        private final long maxRecordsPerSecond;

        /** @param maxRecordsPerSecond {@code delivery.max-records-per-second}; 0 when unlimited */
        public Provider(OperatorID operatorId, String operatorName, long maxRecordsPerSecond) {
            this.operatorId = operatorId;
            this.operatorName = operatorName;
            this.maxRecordsPerSecond = maxRecordsPerSecond;
        }

        @Override
        public OperatorID getOperatorId() {
            return operatorId;
        }

        @Override
        public OperatorCoordinator create(Context context) {
            return new DeliveryCoordinator(operatorName, context.currentParallelism(), maxRecordsPerSecond);
        }
    }

    /** One status or resume request waiting for the subtasks' answers. */
    private static final class Pending {
        final Set<Integer> waitingFor;
        final List<OperatorEvent> answers = new ArrayList<>();
        final CompletableFuture<CoordinationResponse> result = new CompletableFuture<>();
        final Function<Pending, CoordinationResponse> complete;

        Pending(Set<Integer> waitingFor, Function<Pending, CoordinationResponse> complete) {
            this.waitingFor = waitingFor;
            this.complete = complete;
        }
    }

    private final String operatorName;
    /** Per subtask: the gateway of its running attempt; null while it is not running or once it is finishing. */
    private final SubtaskGateway[] gateways;
    /** Null when delivery is not paced. */
    private final RateShares shares;

    private final Set<String> delivered = new TreeSet<>();
    private final Map<Long, Pending> pending = new HashMap<>();
    private long lastCheckpointId = -1;
    private long nextRequestId;
    private ScheduledExecutorService timeouts;

    DeliveryCoordinator(String operatorName, int parallelism) {
        this(operatorName, parallelism, 0);
    }

    DeliveryCoordinator(String operatorName, int parallelism, long maxRecordsPerSecond) {
        this.operatorName = operatorName;
        this.gateways = new SubtaskGateway[parallelism];
        this.shares = maxRecordsPerSecond > 0 ? new RateShares(maxRecordsPerSecond, parallelism) : null;
    }

    @Override
    public synchronized void start() {
        timeouts = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, operatorName + " coordinator timeouts");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized void close() {
        if (timeouts != null) timeouts.shutdownNow();
        for (Pending p : pending.values())
            p.result.completeExceptionally(new IllegalStateException(
                    operatorName + ": the job's delivery coordinator closed before the subtasks answered"));
        pending.clear();
    }

    @Override
    public synchronized void handleEventFromOperator(int subtask, int attemptNumber, OperatorEvent event) {
        if (event instanceof ShardDeliveredEvent d) {
            boolean isNew = delivered.add(d.shardId());
            if (isNew)
                LOG.info(
                        "{}: shard {} delivered to its end (reported by subtask {})",
                        operatorName,
                        d.shardId(),
                        subtask);
            // everyone (the reporter included: that is its acknowledgement) learns it
            broadcast(new DeliveredShardsEvent(Set.of(d.shardId()), lastCheckpointId));
        } else if (event instanceof StatusReportEvent r) {
            answered(r.requestId(), subtask, r);
        } else if (event instanceof ResumeReportEvent r) {
            answered(r.requestId(), subtask, r);
        } else if (event instanceof LanesToPaceEvent l) {
            if (shares != null && isCurrent(subtask, attemptNumber)) {
                shares.reported(subtask, l.lanes());
                sendShares();
            }
        } else if (event instanceof SubtaskFinishingEvent) {
            finishing(subtask, attemptNumber);
        } else {
            LOG.warn("{}: unexpected event from subtask {}: {}", operatorName, subtask, event);
        }
    }

    @Override
    public synchronized void checkpointCoordinator(long checkpointId, CompletableFuture<byte[]> result) {
        try {
            lastCheckpointId = checkpointId;
            result.complete(DeliveredShardsSerializer.write(delivered));
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {}

    @Override
    public synchronized void resetToCheckpoint(long checkpointId, byte[] checkpointData) throws Exception {
        delivered.clear();
        if (checkpointData != null) delivered.addAll(DeliveredShardsSerializer.read(checkpointData));
        lastCheckpointId = checkpointId;
        if (shares != null) shares.reset();
        LOG.info(
                "{}: restored {} shards delivered to their end from checkpoint {}",
                operatorName,
                delivered.size(),
                checkpointId);
    }

    @Override
    public void subtaskReset(int subtask, long checkpointId) {}

    @Override
    public synchronized void executionAttemptFailed(int subtask, int attemptNumber, Throwable reason) {
        if (!isCurrent(subtask, attemptNumber)) return;
        gateways[subtask] = null;
        notRunning(subtask);
        if (shares != null) {
            shares.restarted(subtask);
            sendShares();
        }
    }

    @Override
    public synchronized void executionAttemptReady(int subtask, int attemptNumber, SubtaskGateway gateway) {
        gateways[subtask] = gateway;
        if (!delivered.isEmpty()) send(gateway, new DeliveredShardsEvent(delivered, lastCheckpointId));
        if (shares != null) {
            shares.restarted(subtask); // it starts at the even share and reports
            sendShares();
        }
    }

    /** The subtask's input ended and it delivered everything: its last event is the acknowledgement. */
    private void finishing(int subtask, int attemptNumber) {
        if (!isCurrent(subtask, attemptNumber)) {
            LOG.warn(
                    "{}: subtask {} (attempt {}) is finishing but is not the running attempt; nothing to acknowledge",
                    operatorName,
                    subtask,
                    attemptNumber);
            return;
        }
        send(gateways[subtask], new FinishingAcknowledgedEvent());
        gateways[subtask] = null;
        LOG.debug("{}: subtask {} is finishing; it is sent nothing more", operatorName, subtask);
        notRunning(subtask);
        if (shares != null) {
            shares.finished(subtask);
            sendShares();
        }
    }

    private boolean isCurrent(int subtask, int attemptNumber) {
        SubtaskGateway g = gateways[subtask];
        return g != null && g.getExecution().getAttemptNumber() == attemptNumber;
    }

    /** Requests do not wait for a subtask that is not running. */
    private void notRunning(int subtask) {
        for (Pending p : new ArrayList<>(pending.values())) {
            if (p.waitingFor.remove(subtask)) maybeComplete(p);
        }
    }

    private void sendShares() {
        shares.changes().forEach((subtask, share) -> {
            SubtaskGateway g = gateways[subtask];
            if (g != null) send(g, new PaceShareEvent(share));
        });
    }

    // ---------------------------------------------------------------- requests

    @Override
    public synchronized CompletableFuture<CoordinationResponse> handleCoordinationRequest(CoordinationRequest request) {
        if (request instanceof ShardStatusRequest) {
            return ask(StatusQueryEvent::new, this::statusResponse);
        }
        if (request instanceof ResumeRequest r) {
            return ask(id -> new ResumeCommandEvent(id, r.shardId()), p -> resumeResponse(p, r.shardId()));
        }
        return CompletableFuture.failedFuture(new IllegalArgumentException(operatorName + ": unknown request "
                + request.getClass().getName() + " (expected ShardStatusRequest or ResumeRequest)"));
    }

    private CompletableFuture<CoordinationResponse> ask(
            Function<Long, OperatorEvent> question, Function<Pending, CoordinationResponse> complete) {
        long id = nextRequestId++;
        Set<Integer> ready = new HashSet<>();
        for (int i = 0; i < gateways.length; i++) if (gateways[i] != null) ready.add(i);
        Pending p = new Pending(ready, complete);
        pending.put(id, p);
        OperatorEvent event = question.apply(id);
        for (int i : new ArrayList<>(ready)) send(gateways[i], event);
        if (timeouts != null) {
            timeouts.schedule(() -> timedOut(id), ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        maybeComplete(p);
        return p.result;
    }

    private synchronized void timedOut(long id) {
        Pending p = pending.get(id);
        if (p == null) return;
        pending.remove(id);
        p.result.complete(p.complete.apply(p));
    }

    private void answered(long requestId, int subtask, OperatorEvent answer) {
        Pending p = pending.get(requestId);
        if (p == null || !p.waitingFor.remove(subtask)) return; // late, after the timeout
        p.answers.add(answer);
        maybeComplete(p);
    }

    private void maybeComplete(Pending p) {
        if (!p.waitingFor.isEmpty()) return;
        pending.values().remove(p);
        p.result.complete(p.complete.apply(p));
    }

    private CoordinationResponse statusResponse(Pending p) {
        List<ShardStatus> shards = new ArrayList<>();
        Set<String> held = new HashSet<>();
        for (OperatorEvent e : p.answers) {
            for (ShardStatus s : ((StatusReportEvent) e).shards()) {
                shards.add(s);
                held.add(s.shardId());
            }
        }
        long now = System.currentTimeMillis();
        for (String shard : delivered) {
            if (!held.contains(shard)) {
                shards.add(
                        new ShardStatus(shard, -1, ShardState.FINISHED, -1, -1, 0, 0, null, null, -1, List.of(), now));
            }
        }
        shards.sort(Comparator.comparing(ShardStatus::shardId, DeliveryCoordinator::compareShardIds));
        return new ShardStatusResponse(shards, new ArrayList<>(new TreeSet<>(p.waitingFor)));
    }

    private CoordinationResponse resumeResponse(Pending p, String shardId) {
        List<String> resumed = new ArrayList<>();
        Map<String, ShardState> notSuspended = new LinkedHashMap<>();
        for (OperatorEvent e : p.answers) {
            ResumeReportEvent r = (ResumeReportEvent) e;
            resumed.addAll(r.resumed());
            notSuspended.putAll(r.notSuspended());
        }
        resumed.sort(DeliveryCoordinator::compareShardIds);
        List<String> unknown = new ArrayList<>();
        if (shardId != null && !resumed.contains(shardId) && !notSuspended.containsKey(shardId)) {
            if (delivered.contains(shardId)) notSuspended.put(shardId, ShardState.FINISHED);
            else unknown.add(shardId);
        }
        return new ResumeResponse(resumed, notSuspended, unknown, new ArrayList<>(new TreeSet<>(p.waitingFor)));
    }

    /** DataHub shard ids are decimal numbers: sort 2 before 10. */
    static int compareShardIds(String a, String b) {
        boolean na = a.chars().allMatch(Character::isDigit) && !a.isEmpty();
        boolean nb = b.chars().allMatch(Character::isDigit) && !b.isEmpty();
        if (na && nb && a.length() != b.length()) return Integer.compare(a.length(), b.length());
        return a.compareTo(b);
    }

    // ---------------------------------------------------------------- plumbing

    private void broadcast(OperatorEvent event) {
        for (SubtaskGateway g : gateways) if (g != null) send(g, event);
    }

    private void send(SubtaskGateway gateway, OperatorEvent event) {
        CompletableFuture<?> sent;
        try {
            sent = gateway.sendEvent(event);
        } catch (RuntimeException e) {
            // the gateway refuses at once when its task is not running (any more)
            LOG.debug("{}: {} not sent to subtask {}: {}", operatorName, event, gateway.getSubtask(), e.toString());
            return;
        }
        sent.whenComplete((ack, failure) -> {
            // a subtask that is failing or finished misses it; it is told again when it is ready
            if (failure != null)
                LOG.debug(
                        "{}: {} not delivered to subtask {}: {}",
                        operatorName,
                        event,
                        gateway.getSubtask(),
                        failure.toString());
        });
    }

    /** The share each subtask paces to now (the even share for those that have not reported). */
    @VisibleForTesting
    synchronized double[] paceShares() {
        return shares == null ? new double[0] : shares.shares();
    }

    /** Shards known to be delivered to their END. */
    @VisibleForTesting
    synchronized Set<String> deliveredShards() {
        return new TreeSet<>(delivered);
    }
}
