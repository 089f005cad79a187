package io.datahubfcsync.delivery;

import io.datahubfcsync.event.ShardRecord;
import java.util.function.IntSupplier;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-shard flow control: whether a lane keeps an arriving record. Each lane has a budget of
 * records ({@code delivery.max-buffered-records-per-shard}, by default a fair share of
 * {@code delivery.max-buffered-records} over the subtask's shards) and bytes
 * ({@code delivery.max-buffered-bytes-per-shard}). Only a lane that can move holds up the input,
 * while it is at its bytes budget or the subtask at its bound (backpressure: the function is slower
 * than DataHub); the records budget binds it only once it stops moving. A lane that cannot move
 * (retrying, suspended, waiting for its parents) keeps its budget and lets the rest go, to read it
 * back later ({@link CatchUp}), so one stuck shard never stops the others or the checkpoints.
 * Without a way to read records back, every record is kept and a full subtask holds up the input.
 */
final class FlowControl {
    private static final Logger LOG = LoggerFactory.getLogger(FlowControl.class);

    private final DeliveryConfig config;
    private final boolean canReadBack;
    private final MailboxExecutor mailbox;
    /** Records held by all lanes of the subtask. */
    private final IntSupplier buffered;
    /** Lanes of the subtask, for the fair share. */
    private final IntSupplier lanes;

    FlowControl(
            DeliveryConfig config,
            boolean canReadBack,
            MailboxExecutor mailbox,
            IntSupplier buffered,
            IntSupplier lanes) {
        this.config = config;
        this.canReadBack = canReadBack;
        this.mailbox = mailbox;
        this.buffered = buffered;
        this.lanes = lanes;
    }

    /**
     * Decides for a record that is new to the lane, yielding to the mailbox (answers, timers) while a
     * lane that can move is full.
     *
     * @return true to keep the record; false if the lane let it go (it is then part of the lane's gap)
     */
    boolean keep(DeliveryLane lane, ShardRecord record) throws InterruptedException {
        if (!canReadBack) {
            while (buffered.getAsInt() >= config.maxBufferedRecords()) mailbox.yield();
            return true;
        }
        while (!lane.hasGap() && lane.canMove() && fullForAMovingLane(lane)) mailbox.yield();
        if (!lane.hasGap() && (lane.canMove() ? !fullForAMovingLane(lane) : !full(lane))) return true;
        if (!lane.hasGap()) {
            LOG.info(
                    "{}: shard {} holds {} records and cannot take more ({}); letting sequences from {} go, to read"
                            + " them back from DataHub once it can",
                    config.operatorName(),
                    lane.shardId,
                    lane.pending.size(),
                    lane.canMove() ? "over budget" : "it cannot move",
                    record.sequence);
        }
        lane.letGo(record);
        lane.metrics.letGo();
        return false;
    }

    /** Records one lane may hold: as configured, or a fair share of the subtask's bound. */
    int recordsBudget() {
        int configured = config.maxBufferedRecordsPerShard();
        return configured > 0 ? configured : Math.max(1, config.maxBufferedRecords() / Math.max(1, lanes.getAsInt()));
    }

    long bytesBudget() {
        return config.maxBufferedBytesPerShard();
    }

    /**
     * For a lane that can move: at or over its bytes budget, or the subtask at its bound. Its records
     * budget is not a limit while it moves: input arrives in bursts of one shard (a GetRecords call's
     * worth), and holding up the subtask for one busy lane would starve the others; the subtask's
     * bound still caps memory.
     */
    private boolean fullForAMovingLane(DeliveryLane lane) {
        return lane.heldBytes >= bytesBudget() || buffered.getAsInt() >= config.maxBufferedRecords();
    }

    /** At or over the lane's budget (records or bytes), or the subtask's. */
    private boolean full(DeliveryLane lane) {
        return lane.pending.size() >= recordsBudget()
                || lane.heldBytes >= bytesBudget()
                || buffered.getAsInt() >= config.maxBufferedRecords();
    }
}
