package io.datahubfcsync.delivery;

import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * Processing-time timers of the lanes. A lane has at most one live timer: arming a new one (or
 * {@link #cancel}) makes the older ones no-ops when they fire, so a superseded retry pause or
 * {@code batch.max-wait} can never act on a batch it was not armed for.
 */
final class LaneTimers {
    private final ProcessingTimeService time;

    LaneTimers(ProcessingTimeService time) {
        this.time = time;
    }

    long now() {
        return time.getCurrentProcessingTime();
    }

    /** Runs {@code action} on the task thread after {@code delayMs}, unless a newer timer of the lane replaced it. */
    void after(DeliveryLane lane, long delayMs, ThrowingRunnable<Exception> action) {
        at(lane, now() + delayMs, action);
    }

    /** Runs {@code action} on the task thread at processing time {@code due}, unless superseded. */
    void at(DeliveryLane lane, long due, ThrowingRunnable<Exception> action) {
        long token = ++lane.timerToken;
        time.registerTimer(due, firedAt -> {
            if (lane.timerToken == token && !lane.removed) action.run();
        });
    }

    /** Makes the lane's pending timer, if any, a no-op. */
    void cancel(DeliveryLane lane) {
        lane.timerToken++;
    }
}
