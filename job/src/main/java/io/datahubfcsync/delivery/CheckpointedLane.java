package io.datahubfcsync.delivery;

import io.datahubfcsync.event.ShardRecord;
import java.util.List;

/**
 * What a checkpoint keeps of one shard's {@link DeliveryLane} (keyed state, key = shard id): enough
 * to resume in order with nothing lost. Immutable; written and read by {@link CheckpointedLaneSerializer}. The first {@link #inFlightRecords} pending records are the batch that was
 * being sent or retried; after a restore exactly those records are sent again, so the function sees
 * the same eventIds.
 */
final class CheckpointedLane {
    /** Marks "no END seen" in {@link #endSequence}. */
    static final long NO_END = Long.MIN_VALUE;

    /** Sequence of the last record FC accepted (or the dead-letter topic took); -1 if none yet. */
    final long deliveredSequence;
    /** DataHub system time of that record, epoch ms; -1 if none yet. */
    final long deliveredSystemTime;
    /** Newest DataHub time known for the shard (record system time or the shard's latest), epoch ms; -1 if unknown. */
    final long newestKnownTime;
    /** Failed attempts of the batch at the head of {@link #pending}. */
    final int failedAttempts;
    /** How many records at the head of {@link #pending} form the batch in flight; 0 if none. */
    final int inFlightRecords;
    /** Last failure of the head batch (for the exhaustion message), or null. */
    final String lastError;

    final String lastRequestId;
    /** Records not yet delivered, oldest first; an immutable copy. */
    final List<ShardRecord> pending;
    /**
     * Flink job id of the run that counted {@link #failedAttempts}, or null (version 1 state): an
     * automatic restart of the same job keeps counting, a new run starts again at zero.
     */
    final String runId;
    /** First sequence the lane let go (over its budget) and must read back from DataHub; -1 if none. */
    final long gapFrom;
    /** Highest sequence the lane let go; meaningful only with {@link #gapFrom} ≥ 0. */
    final long gapTo;
    /** Last sequence of the shard (its END), {@code -1} if it ended empty, {@link #NO_END} while open. */
    final long endSequence;
    /** Parents whose delivery this shard (a child) waits for, or waited for. */
    final List<String> parents;
    /** The parents were all delivered: the child's records may go. */
    final boolean parentsDelivered;

    /** Progress as version 1 stored it. */
    CheckpointedLane(
            long deliveredSequence,
            long deliveredSystemTime,
            long newestKnownTime,
            int failedAttempts,
            int inFlightRecords,
            String lastError,
            String lastRequestId,
            List<ShardRecord> pending) {
        this(
                deliveredSequence,
                deliveredSystemTime,
                newestKnownTime,
                failedAttempts,
                inFlightRecords,
                lastError,
                lastRequestId,
                pending,
                null,
                -1,
                -1,
                NO_END,
                List.of(),
                true);
    }

    CheckpointedLane(
            long deliveredSequence,
            long deliveredSystemTime,
            long newestKnownTime,
            int failedAttempts,
            int inFlightRecords,
            String lastError,
            String lastRequestId,
            List<ShardRecord> pending,
            String runId,
            long gapFrom,
            long gapTo,
            long endSequence,
            List<String> parents,
            boolean parentsDelivered) {
        if (inFlightRecords < 0 || inFlightRecords > pending.size()) {
            throw new IllegalArgumentException(
                    "in-flight batch of " + inFlightRecords + " records but " + pending.size() + " pending");
        }
        this.deliveredSequence = deliveredSequence;
        this.deliveredSystemTime = deliveredSystemTime;
        this.newestKnownTime = newestKnownTime;
        this.failedAttempts = failedAttempts;
        this.inFlightRecords = inFlightRecords;
        this.lastError = lastError;
        this.lastRequestId = lastRequestId;
        this.pending = List.copyOf(pending);
        this.runId = runId;
        this.gapFrom = gapFrom;
        this.gapTo = gapTo;
        this.endSequence = endSequence;
        this.parents = List.copyOf(parents);
        this.parentsDelivered = parentsDelivered;
    }

    @Override
    public String toString() {
        return "CheckpointedLane{delivered=" + deliveredSequence + ", pending=" + pending.size() + ", inFlight="
                + inFlightRecords + ", failedAttempts=" + failedAttempts + ", run=" + runId
                + (gapFrom >= 0 ? ", gap=" + gapFrom + ".." + gapTo : "")
                + (endSequence != NO_END ? ", end=" + endSequence : "")
                + (parents.isEmpty() ? "" : ", parents=" + parents + (parentsDelivered ? " delivered" : " waiting"))
                + '}';
    }
}
