package io.datahubfcsync.source.reader;

import io.datahubfcsync.event.ShardRecord;
import java.util.List;
import org.apache.flink.annotation.VisibleForTesting;

/**
 * How often records arrive on one shard, learnt from their DataHub system times, so that a shard
 * that keeps receiving records is polled at the pace they come instead of by the idle back-off: an
 * empty read of such a shard waits until its next record is due (or a quarter of the interval when
 * it is late), and only a shard that received nothing for a few intervals falls back to the growing
 * idle pause. Idle shards cost what they did; a busy shard's records wait about one poll at most.
 */
final class ArrivalPace {
    /** Weight of the newest interval in the running average. */
    private static final double WEIGHT = 0.3;
    /** Shortest pause between two polls of a shard. */
    static final long MIN_POLL_MS = 2;
    /** A shard with nothing for this many intervals is idle again. */
    private static final int INTERVALS_UNTIL_IDLE = 3;

    private final long idleMaxMs;
    /** Running average of the time between records (DataHub system time), or -1 until two are known. */
    private double intervalMs = -1;

    private long lastSystemTime = -1;
    /** Local time of the last read that returned records, or -1. */
    private long lastDataAtMs = -1;

    ArrivalPace(long idleMaxMs) {
        this.idleMaxMs = idleMaxMs;
    }

    /** A read returned {@code records} (at least one) at local time {@code now}. */
    void read(List<ShardRecord> records, long now) {
        if (records.isEmpty()) return;
        long newest = records.get(records.size() - 1).systemTime;
        if (lastSystemTime >= 0 && newest >= lastSystemTime) {
            double interval = (newest - lastSystemTime) / (double) records.size();
            intervalMs = intervalMs < 0 ? interval : WEIGHT * interval + (1 - WEIGHT) * intervalMs;
        }
        lastSystemTime = Math.max(lastSystemTime, newest);
        lastDataAtMs = now;
    }

    /**
     * The pause after a read that returned {@code records} records (at least one) of at most
     * {@code max}: none after a full read (more are waiting) or while the pace is unknown; otherwise
     * the shard is caught up and its next record is due one interval later, so an immediate read
     * would almost always come back empty.
     */
    long pauseAfterDataMs(int records, int max) {
        if (records >= max || !paceKnown()) return 0;
        return oneIntervalMs();
    }

    /** One learnt interval between records, at least {@link #MIN_POLL_MS}; only when {@link #paceKnown()}. */
    long oneIntervalMs() {
        return Math.max(MIN_POLL_MS, Math.round(intervalMs));
    }

    /**
     * The pause after an empty read at {@code now}, or -1 if the shard is idle (the caller uses
     * its idle back-off).
     */
    long pauseAfterEmptyMs(long now) {
        if (intervalMs < 0 || lastDataAtMs < 0 || intervalMs >= idleMaxMs) return -1;
        long sinceData = now - lastDataAtMs;
        if (sinceData > INTERVALS_UNTIL_IDLE * intervalMs + MIN_POLL_MS) return -1;
        long due = Math.round(intervalMs) - sinceData;
        long pause = due > 0 ? due : Math.round(intervalMs / 4);
        return Math.max(MIN_POLL_MS, Math.min(idleMaxMs, pause));
    }

    /** True once the interval between records is learnt and shorter than the idle pause. */
    boolean paceKnown() {
        return intervalMs >= 0 && intervalMs < idleMaxMs;
    }

    /** The learnt interval between records, ms, or -1. */
    @VisibleForTesting
    double intervalMs() {
        return intervalMs;
    }
}
