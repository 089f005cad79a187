package io.datahubfcsync.delivery;

import io.datahubfcsync.datahub.DataHubFatalException;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.LostRecordsException;
import io.datahubfcsync.source.reader.ReaderCounters;
import io.datahubfcsync.source.reader.ShardRangeReader;
import java.io.Serializable;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back from DataHub what a lane let go while it was over its budget. A lane that cannot move
 * (retrying, suspended, waiting for its parents) keeps no more than its budget and remembers the
 * range it did not keep; once it can move and has room again, this re-reads that range through the
 * source's own reader code, a bounded batch at a time on the pool, until it meets what the source
 * sent; the lane's duplicate filter drops the overlap. Expired records follow
 * {@code datahub.on-expired-position}: {@code fail} fails the job without restarts naming shard and
 * range, {@code oldest} goes on and counts them ({@code expiredRecordsSkipped}).
 */
final class CatchUp {
    private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
    private static final int MAX_READ = 1000;

    /** Opens a re-read of one shard from a sequence on; travels in the job graph (no client, no secret). */
    @FunctionalInterface
    interface Readers extends Serializable {
        ShardRangeReader open(String shardId, long fromSequence, ReaderCounters counters);

        /** Re-reads with the source's configuration: same endpoint, credentials source, stop time and expiry policy. */
        static Readers of(DataHubSourceConfig source) {
            return (shardId, from, counters) -> ShardRangeReader.open(source, counters, shardId, from);
        }
    }

    /** What one re-read call brought back: the reader (opened on the pool if need be) and a batch or a failure. */
    private record Read(ShardRangeReader reader, ShardRangeReader.Batch batch, RuntimeException failure) {}

    private final DeliveryConfig config;
    private final Readers readers; // null: no way to re-read, lanes keep everything (and the subtask is backpressured)
    private final OffTaskWork work;
    private final ProcessingTimeService time;
    private final Listener listener;
    private final ReaderCounters counters;

    /** The lane driver, told on the task thread. */
    interface Listener {
        /** The lane got {@code records} back: they may form its next batch. */
        void reRead(DeliveryLane lane, int records) throws Exception;

        /** The lane's re-read may go on (call {@link #advance} when it has room). */
        void continueCatchUp(DeliveryLane lane) throws Exception;
    }

    CatchUp(
            DeliveryConfig config,
            Readers readers,
            OffTaskWork work,
            ProcessingTimeService time,
            Listener listener,
            ReaderCounters counters) {
        this.config = config;
        this.readers = readers;
        this.work = work;
        this.time = time;
        this.listener = listener;
        this.counters = counters;
    }

    /** Whether lanes may let records go at all (only if they can read them back). */
    boolean available() {
        return readers != null;
    }

    /**
     * Starts the lane's next re-read if it has a gap, can move, and has drained to half its budget.
     *
     * @param recordsBudget records the lane may hold
     * @param bytesBudget payload bytes the lane may hold
     */
    void advance(DeliveryLane lane, int recordsBudget, long bytesBudget) {
        if (lane.catchUpFailure != null) {
            if (lane.pending.isEmpty()) failForGood(lane, lane.catchUpFailure);
            return;
        }
        if (readers == null || !lane.hasGap() || lane.catchUpBusy || lane.removed || !lane.canMove()) return;
        boolean drained = lane.pending.size() <= recordsBudget / 2 && lane.heldBytes <= bytesBudget / 2;
        if (!drained && !lane.pending.isEmpty()) return;
        int max = Math.max(1, Math.min(MAX_READ, recordsBudget - lane.pending.size()));
        long from = lane.gapFrom;
        ShardRangeReader open = lane.catchUpReader;
        ShardRangeReader reader = open != null && open.nextSequence() == from ? open : null;
        if (reader == null && open != null) open.close();
        lane.catchUpReader = null;
        lane.catchUpBusy = true;
        work.run(
                () -> read(lane.shardId, reader, from, max),
                read -> onRead(lane, read),
                "catch-up of shard %s",
                lane.shardId);
    }

    private Read read(String shardId, ShardRangeReader reader, long from, int max) {
        ShardRangeReader r = reader;
        try {
            if (r == null) r = readers.open(shardId, from, counters);
            return new Read(r, r.next(max), null);
        } catch (RuntimeException e) {
            return new Read(r, null, e);
        }
    }

    private void onRead(DeliveryLane lane, Read read) throws Exception {
        lane.catchUpBusy = false;
        if (lane.removed) {
            if (read.reader != null) read.reader.close();
            return;
        }
        lane.catchUpReader = read.reader;
        if (read.failure != null) {
            failed(lane, read.failure);
            return;
        }
        ShardRangeReader.Batch batch = read.batch;
        if (batch.skippedRecords() > 0) {
            LOG.warn(
                    "{}: {} records of shard {} expired before they were read back (datahub.on-expired-position=oldest);"
                            + " going on from sequence {}",
                    config.operatorName(),
                    batch.skippedRecords(),
                    lane.shardId,
                    read.reader.nextSequence() - batch.records().size());
        }
        long gapBefore = lane.gapFrom;
        int kept = lane.caughtUp(batch.records(), time.getCurrentProcessingTime());
        if (batch.records().isEmpty()) lane.skippedTo(read.reader.nextSequence());
        if (batch.shardEnded()) lane.closeGap();
        if (!lane.hasGap()) {
            LOG.info(
                    "{}: shard {} caught up from sequence {}: back to the source's records",
                    config.operatorName(),
                    lane.shardId,
                    gapBefore);
            read.reader.close();
            lane.catchUpReader = null;
        }
        if (kept > 0) listener.reRead(lane, kept);
        if (lane.hasGap()) later(lane, batch.retryAfterMs());
    }

    private void failed(DeliveryLane lane, RuntimeException failure) throws Exception {
        if (failure instanceof LostRecordsException) {
            closeReader(lane);
            if (!lane.pending.isEmpty()) { // deliver what the lane kept first; advance() fails once it is empty
                lane.catchUpFailure = failure;
                return;
            }
            failForGood(lane, failure);
        }
        if (failure instanceof DataHubFatalException) {
            closeReader(lane);
            throw failure;
        }
        LOG.warn(
                "{}: reading shard {} back from sequence {} failed, trying again in {} ms: {}",
                config.operatorName(),
                lane.shardId,
                lane.gapFrom,
                config.retryInterval().toMillis(),
                failure.toString());
        closeReader(lane);
        later(lane, Math.max(config.retryInterval().toMillis(), 100));
    }

    /** Records the lane let go are gone from DataHub: no restart can bring them back. */
    private void failForGood(DeliveryLane lane, RuntimeException lost) {
        String message = config.operatorName() + ": shard " + lane.shardId + " let records " + lane.gapFrom + ".."
                + lane.gapTo + " go while it could not move, and cannot read them back: " + lost.getMessage();
        LOG.error(message);
        throw new SuppressRestartsException(lost);
    }

    /** Continues the lane's re-read after {@code delayMs}, or at once (if it has room). */
    private void later(DeliveryLane lane, long delayMs) throws Exception {
        if (delayMs <= 0) {
            listener.continueCatchUp(lane);
            return;
        }
        lane.catchUpBusy = true;
        time.registerTimer(time.getCurrentProcessingTime() + delayMs, t -> {
            lane.catchUpBusy = false;
            if (!lane.removed) listener.continueCatchUp(lane);
        });
    }

    void closeReader(DeliveryLane lane) {
        if (lane.catchUpReader != null) {
            lane.catchUpReader.close();
            lane.catchUpReader = null;
        }
    }
}
