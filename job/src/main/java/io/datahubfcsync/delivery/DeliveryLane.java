package io.datahubfcsync.delivery;

import io.datahubfcsync.event.EncodedEvent;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.metrics.ShardDeliveryMetrics;
import io.datahubfcsync.source.reader.ShardRangeReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What the delivery operator holds for one shard while it delivers it (a "lane"): the records not
 * yet delivered, the batch in flight and its attempts, the let-go gap, the parents it waits for.
 * What a checkpoint keeps of it is a {@link CheckpointedLane}. Changed only on the task thread; the
 * fields the metric reporter reads are volatile.
 */
final class DeliveryLane implements ShardDeliveryMetrics.LiveValues {
    enum Phase {
        /** Nothing in flight; may hold records that are about to form a batch. */
        IDLE,
        /** A partial batch waits up to {@code batch.max-wait} for more records (a timer is set). */
        WAITING_FOR_MORE,
        /** The batch is being sent to FC on the pool. */
        INVOKING,
        /** The batch failed; a timer re-sends it after the retry pause. */
        WAITING_TO_RETRY,
        /** The batch is exhausted (or unsendable) and is being written to the dead-letter topic. */
        DEAD_LETTERING,
        /** Exhausted with {@code on-exhausted=fail}: the job is failing; nothing more happens here. */
        EXHAUSTED,
        /** Exhausted with {@code on-exhausted=suspend}: the batch is kept, waiting for a probe or a resume. */
        SUSPENDED
    }

    /** A drained lane whose queue held more records than this gets a new, small one. */
    static final int TRIM_ABOVE = 64;

    final String shardId;
    /** Records read and not yet delivered, oldest first; replaced by a small one when a backlog is gone. */
    ArrayDeque<ShardRecord> pending = new ArrayDeque<>();
    /** Most records {@link #pending} held since it was last replaced. */
    private int pendingPeak;

    Phase phase = Phase.IDLE;
    /** The batch being sent or retried: the first {@code inFlight.recordCount()} pending records. */
    EncodedEvent inFlight;

    int failedAttempts;
    String lastError;
    String lastRequestId;
    /** Processing time since which the oldest record not yet in a batch has waited. */
    long openedAt;
    /** The newest record came with more of its read right behind it ({@link ShardRecord#readContinues}). */
    boolean restOfReadComing;
    /** {@link Phase#WAITING_FOR_MORE} is a wait for the rest of a read, not for {@code batch.max-wait}. */
    boolean waitingForRestOfRead;
    /** Rough payload size of the records not yet in a batch, to send a byte-full batch without waiting. */
    long waitingPayloadBytes;
    /** Distinguishes the current timer from stale ones that were superseded. */
    long timerToken;

    long invokeStartedNanos;
    long deliveredSystemTime = -1;
    /** Job id of the run whose attempts the restored count holds, or null; only until the restore is handled. */
    String restoredRunId;
    /** The batch at the head holds a record that cannot be put into an event (the batch is a placeholder). */
    boolean undeliverable;
    /** The lane was dropped from the operator; its timers and answers are no-ops. */
    boolean removed;
    /** Payload bytes of all pending records (the lane's share of memory). */
    long heldBytes;
    /** First sequence the lane let go (over its budget) and must read back from DataHub; -1 if none. */
    long gapFrom = -1;
    /** Highest sequence the lane let go; meaningful only while {@link #gapFrom} ≥ 0. */
    long gapTo = -1;
    /** DataHub system time of the first record let go, or -1 if not known (after a restore). */
    long gapSystemTime = -1;
    /** The re-read of the gap, open while the lane catches up; never in state. */
    ShardRangeReader catchUpReader;
    /** A re-read call is on the pool or waits for its next turn. */
    boolean catchUpBusy;
    /**
     * The let-go range turned out to be lost (expired, under {@code datahub.on-expired-position=fail}):
     * the job fails once the records the lane kept are delivered, so nothing before the loss waits on it.
     */
    RuntimeException catchUpFailure;
    /** Last sequence of the shard (its END), -1 if it ended without records, {@link CheckpointedLane#NO_END} while open. */
    long endSequence = CheckpointedLane.NO_END;
    /** The parents (for a child shard) whose delivery the lane waits for, or waited for. */
    List<String> parents = List.of();
    /** False while the lane is a child waiting for its parents' delivery: none of its records may go. */
    boolean parentsDelivered = true;
    /** Told the coordinator it was delivered to its END (in this run of the subtask; never in state). */
    boolean endReported;
    /** Processing time since which FC has refused the credentials for this lane's calls, or -1. */
    long credentialsRefusedSince = -1;
    /** Refusals of the credentials in a row (none of them is a failed attempt). */
    int credentialRefusals;
    /** Epoch ms of the last failed attempt, or -1. */
    volatile long lastErrorAtMillis = -1;

    ShardDeliveryMetrics metrics;

    private volatile long deliveredSequence = -1;
    private volatile int pendingCount;
    private volatile int stateCode = ShardDeliveryMetrics.STATE_RUNNING;
    private volatile long retryDelayMs;
    private volatile int consecutiveFailures;
    /** System time of the oldest pending record, or -1 when none is pending. */
    private volatile long oldestPendingSystemTime = -1;

    private volatile long newestKnownTime = -1;

    DeliveryLane(String shardId) {
        this.shardId = shardId;
    }

    static DeliveryLane restore(String shardId, CheckpointedLane p) {
        DeliveryLane lane = new DeliveryLane(shardId);
        lane.restoredRunId = p.runId;
        lane.deliveredSequence = p.deliveredSequence;
        lane.deliveredSystemTime = p.deliveredSystemTime;
        lane.newestKnownTime = p.newestKnownTime;
        lane.failedAttempts = p.failedAttempts;
        lane.consecutiveFailures = p.failedAttempts;
        if (p.failedAttempts > 0) lane.stateCode = ShardDeliveryMetrics.STATE_RETRYING;
        lane.lastError = p.lastError;
        lane.lastRequestId = p.lastRequestId;
        lane.pending.addAll(p.pending);
        for (ShardRecord r : p.pending) lane.heldBytes += payloadSize(r);
        lane.gapFrom = p.gapFrom;
        lane.gapTo = p.gapTo;
        lane.endSequence = p.endSequence;
        lane.parents = p.parents;
        lane.parentsDelivered = p.parentsDelivered;
        lane.pendingChanged();
        return lane;
    }

    /** @param runId id of the running job, which the kept attempt count belongs to */
    CheckpointedLane snapshot(String runId) {
        boolean batchOut = inFlight != null
                && (phase == Phase.INVOKING
                        || phase == Phase.WAITING_TO_RETRY
                        || phase == Phase.DEAD_LETTERING
                        || phase == Phase.SUSPENDED);
        // a retry on the wire counts as spent: after a failover the function may have seen it
        int attempts = failedAttempts + (phase == Phase.INVOKING && failedAttempts > 0 ? 1 : 0);
        return new CheckpointedLane(
                deliveredSequence,
                deliveredSystemTime,
                newestKnownTime,
                attempts,
                batchOut ? inFlight.recordCount() : 0,
                lastError,
                lastRequestId,
                new ArrayList<>(pending),
                runId,
                gapFrom,
                gapTo,
                endSequence,
                parents,
                parentsDelivered);
    }

    /** Highest sequence this lane has seen (delivered, pending or let go), to drop replays of older records. */
    long highestSequence() {
        if (gapFrom >= 0) return gapTo;
        ShardRecord last = pending.peekLast();
        return last != null ? last.sequence : deliveredSequence;
    }

    /** Over its budget: the lane does not keep the record, and will read it back from DataHub. */
    void letGo(ShardRecord r) {
        if (gapFrom < 0) {
            gapFrom = r.sequence;
            gapSystemTime = r.systemTime;
        }
        gapTo = r.sequence;
        long known = Math.max(r.systemTime, r.shardLatestTime);
        if (known > newestKnownTime) newestKnownTime = known;
    }

    /**
     * Takes records re-read from DataHub for the gap (older ones are ignored) and closes the gap
     * once it reached what the source had sent.
     *
     * @return how many records were kept
     */
    int caughtUp(List<ShardRecord> records, long now) {
        int kept = 0;
        for (ShardRecord r : records) {
            if (gapFrom < 0 || r.sequence < gapFrom) continue;
            gapFrom = r.sequence + 1;
            gapSystemTime = -1;
            add(r, now);
            kept++;
        }
        if (gapFrom > gapTo) closeGap();
        return kept;
    }

    /** The re-read skipped records (expired, {@code datahub.on-expired-position=oldest}): it goes on from {@code next}. */
    void skippedTo(long next) {
        if (gapFrom >= 0 && next > gapFrom) gapFrom = next;
        if (gapFrom > gapTo) closeGap();
    }

    void closeGap() {
        gapFrom = -1;
        gapTo = -1;
        gapSystemTime = -1;
    }

    boolean hasGap() {
        return gapFrom >= 0;
    }

    /**
     * Whether the lane can deliver now: not retrying, suspended, set aside, failing or waiting for
     * its parents. Only such a lane may hold up the subtask (backpressure); one that cannot move lets
     * records go instead. A batch on the wire again after a failed attempt or refused credentials is
     * a retry: the lane that sends it is stuck as much as while it waits for the attempt, and records
     * that arrive during the call must not escape its budget.
     */
    boolean canMove() {
        if (!parentsDelivered) return false;
        return switch (phase) {
            case IDLE, WAITING_FOR_MORE -> true;
            case INVOKING -> failedAttempts == 0 && credentialRefusals == 0;
            default -> false;
        };
    }

    /**
     * Whether the lane competes for {@code delivery.max-records-per-second}: it has undelivered
     * records (held, or let go to be read back), is not suspended and is not waiting for its parents.
     */
    boolean wantsToSend() {
        return !removed && phase != Phase.SUSPENDED && parentsDelivered && (!pending.isEmpty() || hasGap());
    }

    /** The END was seen and every record up to it was delivered. */
    boolean deliveredToEnd() {
        return endSequence != CheckpointedLane.NO_END
                && pending.isEmpty()
                && !hasGap()
                && deliveredSequence >= endSequence;
    }

    void add(ShardRecord r, long now) {
        if (pending.size() == (inFlight != null ? inFlight.recordCount() : 0)) {
            openedAt = now; // first record that is not part of a batch
        }
        pending.addLast(r);
        restOfReadComing = r.readContinues;
        if (pending.size() > pendingPeak) pendingPeak = pending.size();
        long size = payloadSize(r);
        waitingPayloadBytes += size;
        heldBytes += size;
        long known = Math.max(r.systemTime, r.shardLatestTime);
        if (known > newestKnownTime) newestKnownTime = known;
        pendingChanged();
    }

    /** Records not yet part of a batch. */
    int waitingRecords() {
        return pending.size() - (inFlight != null ? inFlight.recordCount() : 0);
    }

    /** The batch was cut from the head of {@link #pending}. */
    void batchStarted(EncodedEvent event) {
        inFlight = event;
        long rest = 0;
        int i = 0;
        for (ShardRecord r : pending) {
            if (i++ >= event.recordCount()) rest += payloadSize(r);
        }
        waitingPayloadBytes = rest;
    }

    /** The batch at the head is done (delivered or dead-lettered). @return how many records it held */
    List<ShardRecord> batchDone() {
        int n = inFlight.recordCount();
        List<ShardRecord> done = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ShardRecord r = pending.removeFirst();
            heldBytes -= payloadSize(r);
            done.add(r);
        }
        if (pending.isEmpty() && pendingPeak > TRIM_ABOVE) {
            // an array deque never shrinks: after a backfill every idle shard would keep its peak's array
            pending = new ArrayDeque<>();
            pendingPeak = 0;
        }
        ShardRecord last = done.get(n - 1);
        deliveredSequence = last.sequence;
        deliveredSystemTime = last.systemTime;
        inFlight = null;
        undeliverable = false;
        failedAttempts = 0;
        consecutiveFailures = 0;
        lastError = null;
        lastRequestId = null;
        retryDelayMs = 0;
        phase = Phase.IDLE;
        stateCode = ShardDeliveryMetrics.STATE_RUNNING;
        pendingChanged();
        return done;
    }

    /** Restored batch of a new run: the attempt count starts again; the last error stays for the log. */
    void forgetFailedAttempts() {
        failedAttempts = 0;
        consecutiveFailures = 0;
        stateCode = ShardDeliveryMetrics.STATE_RUNNING;
    }

    void attemptFailed(String error, String requestId) {
        lastErrorAtMillis = System.currentTimeMillis();
        failedAttempts++;
        consecutiveFailures = failedAttempts;
        lastError = error;
        lastRequestId = requestId;
        stateCode = ShardDeliveryMetrics.STATE_RETRYING;
    }

    void retryIn(long delayMs) {
        retryDelayMs = delayMs;
        phase = Phase.WAITING_TO_RETRY;
    }

    void exhausted(Phase next) {
        phase = next;
        stateCode = ShardDeliveryMetrics.STATE_EXHAUSTED;
    }

    void suspended() {
        phase = Phase.SUSPENDED;
        retryDelayMs = 0;
        stateCode = ShardDeliveryMetrics.STATE_SUSPENDED;
    }

    /** The batch at the head is given up as sent: it is cut again from the pending records. */
    void uncutBatch() {
        inFlight = null;
        undeliverable = false;
        phase = Phase.IDLE;
        long bytes = 0;
        for (ShardRecord r : pending) bytes += payloadSize(r);
        waitingPayloadBytes = bytes;
    }

    private void pendingChanged() {
        pendingCount = pending.size();
        ShardRecord first = pending.peekFirst();
        oldestPendingSystemTime = first != null ? first.systemTime : -1;
    }

    /**
     * A close estimate of the record's share of the event JSON (keys, eventId, systemTime, quotes),
     * erring high, so a batch that is full by bytes is sent at once instead of waiting for
     * {@code batch.max-wait}; the encoder then cuts it exactly.
     */
    private static long payloadSize(ShardRecord r) {
        long n = RECORD_JSON_OVERHEAD + r.shardId.length();
        if (r.blob != null) return n + (r.blob.length + 2) / 3 * 4; // base64 is the longer of the two encodings
        if (r.tuple != null) {
            n += 2;
            for (String v : r.tuple) n += v == null ? 5 : v.length() + 5; // \"v\",
        }
        return n;
    }

    /** {"eventId":"<shard>:<19 digits>","systemTime":<13 digits>,"data":""}, plus the comma. */
    private static final int RECORD_JSON_OVERHEAD = 12 + 1 + 19 + 15 + 13 + 9 + 2 + 1;

    /** How far the oldest undelivered record is behind the newest one DataHub holds for this shard. */
    long millisBehindLatest() {
        long oldest = oldestUndeliveredTime();
        long newest = newestKnownTime;
        return oldest < 0 || newest < 0 ? 0 : Math.max(0, newest - oldest);
    }

    /** System time of the oldest record not delivered yet (pending, or let go and not read back), or -1. */
    long oldestUndeliveredTime() {
        long oldest = oldestPendingSystemTime;
        if (oldest < 0 && gapFrom >= 0) oldest = gapSystemTime >= 0 ? gapSystemTime : deliveredSystemTime;
        return oldest;
    }

    /** Where the lane stands, as a status listing shows it. */
    io.datahubfcsync.delivery.control.ShardState statusState() {
        if (deliveredToEnd()) return io.datahubfcsync.delivery.control.ShardState.FINISHED;
        return switch (phase) {
            case SUSPENDED -> io.datahubfcsync.delivery.control.ShardState.SUSPENDED;
            case EXHAUSTED, DEAD_LETTERING -> io.datahubfcsync.delivery.control.ShardState.EXHAUSTED;
            case WAITING_TO_RETRY -> io.datahubfcsync.delivery.control.ShardState.RETRYING;
            default ->
                !parentsDelivered
                        ? io.datahubfcsync.delivery.control.ShardState.WAITING_FOR_PARENTS
                        : failedAttempts > 0
                                ? io.datahubfcsync.delivery.control.ShardState.RETRYING
                                : io.datahubfcsync.delivery.control.ShardState.RUNNING;
        };
    }

    @Override
    public long deliveredSequence() {
        return deliveredSequence;
    }

    @Override
    public int pendingRecords() {
        return pendingCount;
    }

    @Override
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    @Override
    public int state() {
        return stateCode;
    }

    @Override
    public long retryDelayMs() {
        return retryDelayMs;
    }
}
