package io.datahubfcsync.delivery.coordination;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Divides {@code delivery.max-records-per-second} over the delivery subtasks so that every shard with
 * records to send gets about the same rate wherever it is held: a subtask's share is the rate times
 * its sending shards over all sending shards.
 *
 * <p>A subtask that has not reported since it became ready (just started, or restarted after a
 * failure) paces to the rate divided by the parallelism, as it does by itself before its first
 * share; the rest is divided over those that reported. A subtask with nothing to send gets a probe
 * share of {@link #PROBE} of the even share on top of the total: its first batch after a pause is
 * let through by its bucket at once and it reports straight away, so the probe only needs to be
 * positive, and it is small enough that the others use nearly the whole rate. If nobody has
 * anything to send, the reported subtasks split their part evenly. A finished subtask gets nothing.
 *
 * <p>Shares are kept in memory only: after a restore every subtask starts at the even share and
 * reports again. Not thread-safe; the coordinator calls it under its lock.
 */
final class RateShares {
    /** The share of a subtask with nothing to send, as a fraction of the even share. */
    static final double PROBE = 0.01;
    /** A new share that differs from the one a subtask has by less than this fraction is not sent. */
    static final double RESEND_THRESHOLD = 0.01;

    private static final int UNREPORTED = -1;
    private static final int FINISHED = -2;

    private final double total;
    /** Per subtask: its shards with records to send, or {@link #UNREPORTED} or {@link #FINISHED}. */
    private final int[] lanes;
    /** Per subtask: the share it was last sent; 0 when it paces to the even share by itself. */
    private final double[] sent;

    RateShares(double recordsPerSecond, int parallelism) {
        if (!(recordsPerSecond > 0))
            throw new IllegalArgumentException("the rate must be positive, got " + recordsPerSecond);
        this.total = recordsPerSecond;
        this.lanes = new int[parallelism];
        this.sent = new double[parallelism];
        Arrays.fill(lanes, UNREPORTED);
    }

    /** The share a subtask takes by itself before it is told one. */
    double evenShare() {
        return total / lanes.length;
    }

    /** The subtask reported how many of its shards have records to send. */
    void reported(int subtask, int sendingLanes) {
        if (lanes[subtask] != FINISHED) lanes[subtask] = sendingLanes;
    }

    /** A new attempt of the subtask started (or the old one failed): it paces to the even share until it reports. */
    void restarted(int subtask) {
        lanes[subtask] = UNREPORTED;
        sent[subtask] = 0;
    }

    /** The subtask finished: its part goes to the others. */
    void finished(int subtask) {
        lanes[subtask] = FINISHED;
        sent[subtask] = 0;
    }

    /** Every subtask starts over at the even share (the coordinator was restored). */
    void reset() {
        Arrays.fill(lanes, UNREPORTED);
        Arrays.fill(sent, 0);
    }

    /** The share each reported subtask should pace to now, by subtask index. */
    double[] shares() {
        double even = evenShare();
        double[] shares = new double[lanes.length];
        double rest = total;
        int sending = 0;
        int reportedSubtasks = 0;
        for (int i = 0; i < lanes.length; i++) {
            if (lanes[i] == UNREPORTED) {
                shares[i] = even;
                rest -= even;
            } else if (lanes[i] >= 0) {
                sending += lanes[i];
                reportedSubtasks++;
            }
        }
        for (int i = 0; i < lanes.length; i++) {
            if (lanes[i] < 0) continue;
            if (sending > 0) shares[i] = lanes[i] > 0 ? rest * lanes[i] / sending : even * PROBE;
            else shares[i] = rest / reportedSubtasks;
        }
        return shares;
    }

    /**
     * The shares to send now: those of reported subtasks that differ from what they were last sent
     * by more than {@link #RESEND_THRESHOLD}; they count as sent.
     */
    Map<Integer, Double> changes() {
        double[] shares = shares();
        Map<Integer, Double> changes = new LinkedHashMap<>();
        for (int i = 0; i < lanes.length; i++) {
            if (lanes[i] < 0) continue;
            if (sent[i] > 0 && Math.abs(shares[i] - sent[i]) <= sent[i] * RESEND_THRESHOLD) continue;
            sent[i] = shares[i];
            changes.put(i, shares[i]);
        }
        return changes;
    }
}
