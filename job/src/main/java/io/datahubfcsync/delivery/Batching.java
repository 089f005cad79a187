package io.datahubfcsync.delivery;

import io.datahubfcsync.event.EncodedEvent;
import io.datahubfcsync.event.EventEncoder;
import io.datahubfcsync.event.RecordDataException;
import org.apache.flink.util.function.ThrowingConsumer;

/**
 * When a lane's next batch is due and what goes into it: {@code batch.max-records} and
 * {@code batch.max-bytes} cut it, and a partial batch waits up to {@code batch.max-wait} (on a
 * timer, never on the task thread) for more records unless the input has ended.
 *
 * <p>A partial batch also waits for the rest of the DataHub read its newest record came from
 * ({@link io.datahubfcsync.event.ShardRecord#readContinues}): the source hands a read's records on
 * back to back, so the wait is one network buffer at most, and an idle lane no longer sends the
 * first record of every read on its own and the rest in the next call. With hundreds of shards
 * that first lone record was a quarter of all calls. A timer bounds the wait in case the rest is
 * held up (a failing source, a long {@code execution.buffer-timeout}).
 */
final class Batching {
    /** Longest wait for the rest of a read before the partial batch goes anyway. */
    static final long REST_OF_READ_MAX_WAIT_MS = 20;

    private final DeliveryConfig config;
    private final EventEncoder encoder;
    private final LaneTimers timers;

    Batching(DeliveryConfig config, EventEncoder encoder, LaneTimers timers) {
        this.config = config;
        this.encoder = encoder;
        this.timers = timers;
    }

    boolean isFull(DeliveryLane lane) {
        return lane.waitingRecords() >= config.batchMaxRecords() || lane.waitingPayloadBytes >= config.batchMaxBytes();
    }

    /** A record joined the lane: a batch that became full no longer waits for {@code batch.max-wait}. */
    void recordAdded(DeliveryLane lane) {
        if (lane.phase == DeliveryLane.Phase.WAITING_FOR_MORE
                && (isFull(lane) || lane.waitingForRestOfRead && !lane.restOfReadComing)) {
            endWait(lane); // the operator asks the lane to start again right after
        }
    }

    /** Input ended: partial batches no longer wait. */
    void inputEnded(DeliveryLane lane) {
        if (lane.phase == DeliveryLane.Phase.WAITING_FOR_MORE) endWait(lane);
    }

    private void endWait(DeliveryLane lane) {
        lane.phase = DeliveryLane.Phase.IDLE;
        lane.waitingForRestOfRead = false;
        timers.cancel(lane);
    }

    /**
     * Whether an idle lane's batch may go now. If it must wait for more records, the lane moves to
     * {@code WAITING_FOR_MORE} and {@code onDue} runs when the wait ends.
     */
    boolean dueNow(DeliveryLane lane, boolean endOfInput, ThrowingConsumer<DeliveryLane, Exception> onDue) {
        if (endOfInput || isFull(lane)) return true;
        if (lane.restOfReadComing) {
            waitUntil(lane, timers.now() + REST_OF_READ_MAX_WAIT_MS, true, onDue);
            return false;
        }
        long waitMs = config.batchMaxWait().toMillis();
        if (waitMs <= 0) return true;
        long due = lane.openedAt + waitMs;
        if (timers.now() >= due) return true;
        waitUntil(lane, due, false, onDue);
        return false;
    }

    private void waitUntil(
            DeliveryLane lane, long due, boolean restOfRead, ThrowingConsumer<DeliveryLane, Exception> onDue) {
        lane.phase = DeliveryLane.Phase.WAITING_FOR_MORE;
        lane.waitingForRestOfRead = restOfRead;
        timers.at(lane, due, () -> {
            if (lane.phase == DeliveryLane.Phase.WAITING_FOR_MORE) {
                if (restOfRead) lane.restOfReadComing = false; // held up: the batch goes without it
                endWait(lane);
                onDue.accept(lane);
            }
        });
    }

    /** The next batch from the head of the lane's pending records. */
    EncodedEvent cut(DeliveryLane lane) throws RecordDataException {
        return encoder.encode(lane.pending, config.batchMaxRecords(), config.batchMaxBytes());
    }

    /** Exactly the batch of {@code records} that was out when the restored checkpoint was taken. */
    EncodedEvent recut(DeliveryLane lane, int records) throws RecordDataException {
        return encoder.encode(lane.pending, records, config.batchMaxBytes());
    }

    EventEncoder encoder() {
        return encoder;
    }
}
