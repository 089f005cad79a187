package io.datahubfcsync.delivery;

import io.datahubfcsync.delivery.coordination.LanesToPaceEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.function.IntSupplier;
import org.apache.flink.runtime.operators.coordination.OperatorEventGateway;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * Tells the delivery coordinator how many of this subtask's shards have records to send, so that
 * it can divide {@code delivery.max-records-per-second} by shards rather than by subtasks. The count
 * is taken on a timer and sent when it changed, at most every {@link #INTERVAL_MS}; a subtask that
 * last reported none reports as soon as one of its shards has something, since its share is only
 * a probe until then. Everything runs on the task thread and nothing waits.
 */
final class PaceReports {
    static final long INTERVAL_MS = 200;

    private final OperatorEventGateway coordinator;
    private final IntSupplier sendingLanes;
    private ScheduledFuture<?> timer;
    /** The count last sent; -1 before the first. */
    private int reported = -1;

    private boolean stopped;

    /** @param sendingLanes counts the lanes that have records to send (see {@link DeliveryLane#wantsToSend}) */
    PaceReports(OperatorEventGateway coordinator, IntSupplier sendingLanes) {
        this.coordinator = coordinator;
        this.sendingLanes = sendingLanes;
    }

    void start(ProcessingTimeService time) {
        timer = time.scheduleWithFixedDelay(firedAt -> report(), INTERVAL_MS, INTERVAL_MS);
    }

    /** The lane may have got records to send. */
    void laneChanged(DeliveryLane lane) {
        if (reported == 0 && lane.wantsToSend()) report();
    }

    /** The subtask is finishing: no more reports. */
    void stop() {
        stopped = true;
        if (timer != null) timer.cancel(false);
    }

    /** The count last sent; -1 before the first. */
    int reported() {
        return reported;
    }

    private void report() {
        if (stopped) return;
        int lanes = sendingLanes.getAsInt();
        if (lanes == reported) return;
        reported = lanes;
        coordinator.sendEventToCoordinator(new LanesToPaceEvent(lanes));
    }
}
