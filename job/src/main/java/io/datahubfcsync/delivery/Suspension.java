package io.datahubfcsync.delivery;

import io.datahubfcsync.event.EncodedEvent;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code on-exhausted=suspend}: an exhausted shard stops with its batch (and everything after it)
 * kept, while the other shards go on. Every {@code suspend.probe-interval} the batch is tried once
 * more; a success resumes the shard. A resume request tries it at once with a fresh
 * {@code retry.max-attempts}; so does a new run of the job restored from a checkpoint.
 */
final class Suspension {
    private static final Logger LOG = LoggerFactory.getLogger(Suspension.class);

    private final DeliveryConfig config;
    private final LaneTimers timers;
    private final SavepointDrain drain;
    private final LaneActions actions;

    Suspension(DeliveryConfig config, LaneTimers timers, SavepointDrain drain, LaneActions actions) {
        this.config = config;
        this.timers = timers;
        this.drain = drain;
        this.actions = actions;
    }

    void suspend(DeliveryLane lane) {
        boolean wasSuspended =
                lane.phase == DeliveryLane.Phase.SUSPENDED || lane.failedAttempts > config.retryMaxAttempts();
        lane.suspended();
        EncodedEvent batch = lane.inFlight;
        long probeMs = config.suspendProbeInterval().toMillis();
        String next = lane.undeliverable
                ? "it is not probed (a data error does not heal): fix the data or settings and start a new run"
                : probeMs > 0
                        ? "it is tried once every " + probeMs + " ms (suspend.probe-interval)"
                        : "it is not probed (suspend.probe-interval=0): resume it or start a new run";
        if (wasSuspended) {
            LOG.info(
                    "{}: probe of suspended shard {} sequences {}..{} failed: {}",
                    config.operatorName(),
                    lane.shardId,
                    batch.firstSequence(),
                    batch.lastSequence(),
                    lane.lastError);
        } else {
            LOG.warn(
                    "{}: shard {} of DataHub project {}, topic {} is suspended: records {}:{}..{}:{} failed {} attempts"
                            + " (retry.max-attempts={}); last error: {}; request id: {}. The other shards go on; {}.",
                    config.operatorName(),
                    lane.shardId,
                    config.project(),
                    config.topic(),
                    lane.shardId,
                    batch.firstSequence(),
                    lane.shardId,
                    batch.lastSequence(),
                    lane.failedAttempts,
                    config.retryMaxAttempts(),
                    lane.lastError,
                    lane.lastRequestId == null ? "none" : lane.lastRequestId,
                    next);
        }
        if (!lane.undeliverable && probeMs > 0) {
            timers.after(
                    lane,
                    probeMs,
                    () -> drain.runOrDefer(() -> {
                        if (lane.phase == DeliveryLane.Phase.SUSPENDED)
                            actions.invoke(lane); // one attempt: a failure suspends again
                    }));
        }
    }

    /**
     * The end of a bounded run: one that would end with suspended shards fails instead, naming them
     * (ending "finished" would lose their records).
     */
    void failIfAnySuspended(Collection<DeliveryLane> lanes) {
        List<DeliveryLane> suspended = lanes.stream()
                .filter(l -> l.phase == DeliveryLane.Phase.SUSPENDED)
                .sorted(Comparator.comparing(l -> l.shardId))
                .toList();
        if (suspended.isEmpty()) return;
        String which = suspended.stream()
                .map(l -> "shard " + l.shardId + " from sequence " + l.inFlight.firstSequence() + " ("
                        + l.pending.size() + " records; last error: " + l.lastError + ")")
                .collect(Collectors.joining(", "));
        String message = String.format(
                "%s: the bounded run (stop) of DataHub project %s, topic %s cannot finish:"
                        + " %d suspended shard(s) were not delivered: %s. Everything else was delivered. Fix the"
                        + " function, then resume from the latest retained checkpoint (a new run gives each"
                        + " suspended batch its full retry.max-attempts).",
                config.operatorName(), config.project(), config.topic(), suspended.size(), which);
        LOG.error(message);
        throw new SuppressRestartsException(new ShardExhaustedException(message));
    }

    /**
     * Tries a suspended shard's batch now with a fresh budget.
     *
     * @return false (and nothing changes) if the shard is not suspended
     */
    boolean resume(DeliveryLane lane) throws Exception {
        if (lane.phase != DeliveryLane.Phase.SUSPENDED) return false;
        LOG.info(
                "{}: resuming suspended shard {} at sequence {} with a fresh retry.max-attempts",
                config.operatorName(),
                lane.shardId,
                lane.inFlight.firstSequence());
        timers.cancel(lane);
        lane.forgetFailedAttempts();
        drain.runOrDefer(() -> {
            if (lane.phase != DeliveryLane.Phase.SUSPENDED) return;
            if (lane.undeliverable) actions.cutAgain(lane);
            else actions.invoke(lane);
        });
        return true;
    }
}
