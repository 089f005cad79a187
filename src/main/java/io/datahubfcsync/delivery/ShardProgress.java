package io.datahubfcsync.delivery;

import io.datahubfcsync.event.ShardRecord;
import java.util.List;

/**
 * What a checkpoint keeps of one shard (keyed state, key = shard id): enough to resume in order
 * with nothing lost. The first {@link #inFlightRecords} pending records are the batch that was
 * being sent or retried; after a restore exactly those records are sent again, so the function sees
 * the same eventIds.
 */
final class ShardProgress {
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

    ShardProgress(long deliveredSequence, long deliveredSystemTime, long newestKnownTime, int failedAttempts,
                  int inFlightRecords, String lastError, String lastRequestId, List<ShardRecord> pending) {
        if (inFlightRecords < 0 || inFlightRecords > pending.size()) {
            throw new IllegalArgumentException("in-flight batch of " + inFlightRecords + " records but "
                    + pending.size() + " pending");
        }
        this.deliveredSequence = deliveredSequence;
        this.deliveredSystemTime = deliveredSystemTime;
        this.newestKnownTime = newestKnownTime;
        this.failedAttempts = failedAttempts;
        this.inFlightRecords = inFlightRecords;
        this.lastError = lastError;
        this.lastRequestId = lastRequestId;
        this.pending = List.copyOf(pending);
    }

    @Override
    public String toString() {
        return "ShardProgress{delivered=" + deliveredSequence + ", pending=" + pending.size() + ", inFlight="
                + inFlightRecords + ", failedAttempts=" + failedAttempts + '}';
    }
}
