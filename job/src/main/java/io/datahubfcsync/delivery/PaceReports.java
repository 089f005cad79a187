package io.datahubfcsync.delivery;

import io.datahubfcsync.delivery.coordination.LanesToPaceEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.apache.flink.runtime.operators.coordination.OperatorEventGateway;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * Tells the delivery coordinator how many of this subtask's shards have records to send, so that
 * it can divide {@code delivery.max-records-per-second} by shards rather than by subtasks. The count
 * is taken on a timer and sent when it changed, at most every {@link #INTERVAL_MS}; a subtask that
 * last reported none reports as soon as one of its shards has something, since its share is only
 * a probe until then. A drop to none is sent only once it lasted {@link #NONE_AFTER_MS}, so that a
 * trickle of live records, which empties the lanes after every batch, does not make the shares
 * swing back and forth. While a savepoint holds new work back (and after the savepoint of a stop)
 * nothing is sent: the counts mean little then, and the coordinator's answer would go to a task that
 * may be about to end. Everything runs on the task thread and nothing waits.
 */
final class PaceReports {
    static final long INTERVAL_MS = 200;
    static final long NONE_AFTER_MS = 1_000;

    private final OperatorEventGateway coordinator;
    private final IntSupplier sendingLanes;
    private final BooleanSupplier paused;
    private ScheduledFuture<?> timer;
    /** Ticks in a row that counted 0 while a higher count was sent. */
    private int noneTicks;
    /** The count last sent; -1 before the first. */
    private int reported = -1;

    private boolean stopped;

    /**
     * @param sendingLanes counts the lanes that have records to send (see {@link DeliveryLane#wantsToSend})
     * @param paused whether a savepoint holds new work back
     */
    PaceReports(OperatorEventGateway coordinator, IntSupplier sendingLanes, BooleanSupplier paused) {
        this.coordinator = coordinator;
        this.sendingLanes = sendingLanes;
        this.paused = paused;
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
        if (stopped || paused.getAsBoolean()) return;
        int lanes = sendingLanes.getAsInt();
        if (lanes != 0) noneTicks = 0;
        if (lanes == reported) return;
        if (lanes == 0 && reported > 0 && ++noneTicks <= NONE_AFTER_MS / INTERVAL_MS) return;
        noneTicks = 0;
        reported = lanes;
        coordinator.sendEventToCoordinator(new LanesToPaceEvent(lanes));
    }
}
