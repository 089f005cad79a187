package io.datahubfcsync.source.reader;

import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.source.DataHubSourceConfig;
import io.datahubfcsync.source.OnExpiredPosition;
import io.datahubfcsync.source.client.CursorPosition;
import io.datahubfcsync.source.client.DataHubClient;
import io.datahubfcsync.source.client.DataHubException;
import io.datahubfcsync.source.client.DataHubAuthException;
import io.datahubfcsync.source.client.DataHubFatalException;
import io.datahubfcsync.source.client.DataHubRetryableException;
import io.datahubfcsync.source.client.ExpiredCursorException;
import io.datahubfcsync.source.client.PositionOutOfRangeException;
import io.datahubfcsync.source.client.RecordBatch;
import io.datahubfcsync.source.client.ShardCursor;
import io.datahubfcsync.source.client.ShardNotFoundException;
import io.datahubfcsync.source.client.ShardSealedException;
import io.datahubfcsync.source.split.ShardSplit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsRemoval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads all shards assigned to one reader, in the single fetcher thread.
 *
 * <p>Each {@link #fetch()} visits the shards that are due, round robin, one GetRecords call each,
 * until it holds {@code datahub.fetch-max-records} records. A shard that returned data is due
 * again at once; an empty read makes it wait a little longer each time (bounded by the idle
 * backoff, a few hundred ms) so idle topics do not flood DataHub while latency stays low. When no
 * shard is due, fetch waits for the earliest one, and {@link #wakeUp()} ends that wait at once.
 *
 * <p>Errors: throttling, 5xx and network errors back off per shard and never fail the job; refused
 * credentials back off too and fail only after {@code credentials.failure-grace} ({@link CredentialFailures}); a
 * rejected cursor is re-sought from the held sequence; NoSuchShard is retried for a bounded time
 * and then checked against the shard listing; an expired position follows
 * {@code datahub.on-expired-position}; everything else fails the job with DataHub's message.
 */
public final class DataHubSplitReader implements SplitReader<ShardRecord, ShardSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(DataHubSplitReader.class);

    /** A SYSTEM_TIME this far behind our clock that DataHub rejects must predate its retention. */
    private static final long CLOCK_SKEW_TOLERANCE_MS = 60_000;
    /** Upper bound on a wait when every shard is paused, so pauses are re-checked. */
    private static final long MAX_IDLE_WAIT_MS = 1_000;

    private final DataHubClient client;
    private final DataHubSourceConfig config;
    private final ReaderCounters counters;
    private final CredentialFailures credentialFailures;
    private final LongSupplier clock;
    private final String topicName;

    private final Map<String, ShardReadState> shards = new LinkedHashMap<>();
    private final Set<String> paused = new HashSet<>();
    private int rotation;

    private final Object wakeUpLock = new Object();
    private boolean wakeUpRequested;

    public DataHubSplitReader(DataHubClient client, DataHubSourceConfig config, ReaderCounters counters,
                              LongSupplier clock) {
        this.client = client;
        this.config = config;
        this.counters = counters;
        this.credentialFailures = new CredentialFailures(config, counters);
        this.clock = clock;
        this.topicName = config.project() + "/" + config.topic();
    }

    @Override
    public RecordsWithSplitIds<ShardRecord> fetch() {
        RecordsBySplits.Builder<ShardRecord> out = new RecordsBySplits.Builder<>();
        List<ShardReadState> order = new ArrayList<>(shards.values());
        int n = order.size();
        int gathered = 0;
        boolean anyDue = false;
        rotation = n == 0 ? 0 : (rotation + 1) % n;
        for (int i = 0; i < n && gathered < config.fetchMaxRecords(); i++) {
            if (consumeWakeUp()) {
                return out.build();
            }
            ShardReadState shard = order.get((rotation + i) % n);
            if (paused.contains(shard.shardId) || shard.nextAttemptAtMs > clock.getAsLong()) continue;
            anyDue = true;
            gathered += readOnce(shard, out);
            if (shard.finished) {
                shards.remove(shard.shardId);
                out.addFinishedSplit(shard.shardId);
            }
        }
        if (!anyDue) {
            waitForDueShardOrWakeUp();
        }
        return out.build();
    }

    /** One GetRecords call on the shard (plus a seek if it has no cursor); returns records added. */
    private int readOnce(ShardReadState shard, RecordsBySplits.Builder<ShardRecord> out) {
        long now = clock.getAsLong();
        try {
            if (shard.cursor == null) {
                ShardCursor c = seek(shard, now);
                if (c == null) {
                    shard.nextAttemptAtMs = now + shard.idle.nextDelayMs();
                    return 0;
                }
                shard.cursor = c.cursor();
                shard.position = CursorPosition.sequence(c.sequence());
            }
            RecordBatch batch = client.readRecords(shard.shardId, shard.cursor, config.fetchMaxRecords());
            credentialFailures.accepted();
            recovered(shard);
            shard.cursorRejections = 0;
            if (batch.nextCursor() != null) {
                shard.cursor = batch.nextCursor();
            }
            if (batch.isEmpty()) {
                if (stopTimeReached(shard, now)) {
                    finish(shard, "has no record before the stop time " + config.stopAtMs().getAsLong());
                } else {
                    shard.nextAttemptAtMs = now + shard.idle.nextDelayMs();
                }
                return 0;
            }
            return emit(shard, batch, out);
        } catch (ShardSealedException e) {
            finish(shard, "is CLOSED and was read to its end (next sequence " + shard.position + ")");
        } catch (ExpiredCursorException | PositionOutOfRangeException e) {
            // the cursor is only a handle: seek again from the sequence we hold
            shard.cursor = null;
            shard.cursorRejections++;
            shard.nextAttemptAtMs = shard.cursorRejections > 1 ? now + shard.retry.nextDelayMs() : now;
            LOG.info("Cursor of shard {} of {} rejected, re-seeking {}: {}", shard.shardId, topicName,
                    shard.position, e.getMessage());
        } catch (ShardNotFoundException e) {
            shardNotFound(shard, now, e);
        } catch (DataHubRetryableException e) {
            retryLater(shard, now, e);
        } catch (DataHubAuthException e) {
            credentialFailures.refused(shard.shardId, now, e);
            shard.nextAttemptAtMs = now + shard.retry.nextDelayMs();
        }
        return 0;
    }

    private int emit(ShardReadState shard, RecordBatch batch, RecordsBySplits.Builder<ShardRecord> out) {
        OptionalLong stop = config.stopAtMs();
        int added = 0;
        for (ShardRecord record : batch.records()) {
            if (stop.isPresent() && record.systemTime >= stop.getAsLong()) {
                finish(shard, "reached the stop time at sequence " + record.sequence);
                break;
            }
            if (record.sequence < shard.nextSequenceOrMinusOne()) {
                continue; // never hand on a record twice, whatever the server repeats
            }
            out.add(shard.shardId, record);
            shard.position = CursorPosition.sequence(record.sequence + 1);
            added++;
        }
        shard.idle.reset();
        shard.nextAttemptAtMs = clock.getAsLong(); // a shard with data is read again at once
        return added;
    }

    /**
     * A cursor at the shard's position, or null when the position is a time DataHub's clock has
     * not reached yet.
     */
    private ShardCursor seek(ShardReadState shard, long now) {
        CursorPosition p = shard.position;
        try {
            return client.cursorAt(shard.shardId, p);
        } catch (PositionOutOfRangeException e) {
            switch (p.kind()) {
                case SYSTEM_TIME:
                    if (p.value() > now - CLOCK_SKEW_TOLERANCE_MS) {
                        return null;
                    }
                    LOG.info("Start time {} of shard {} of {} is before DataHub's retention; reading from OLDEST",
                            p.value(), shard.shardId, topicName);
                    shard.position = CursorPosition.oldest();
                    return client.cursorAt(shard.shardId, CursorPosition.oldest());
                case SEQUENCE:
                    return expiredPosition(shard, p.value(), e);
                default:
                    throw new DataHubRetryableException(DataHubRetryableException.Kind.SERVER_ERROR,
                            "DataHub rejected " + p + " for shard " + shard.shardId + " of " + topicName, e);
            }
        }
    }

    private ShardCursor expiredPosition(ShardReadState shard, long sequence, PositionOutOfRangeException e) {
        ShardCursor oldest = client.cursorAt(shard.shardId, CursorPosition.oldest());
        String what = "The position of shard " + shard.shardId + " in DataHub project " + config.project()
                + " topic " + config.topic() + " is no longer retained: sequence " + sequence
                + " was to be read next, the oldest retained sequence is " + oldest.sequence() + ".";
        if (config.onExpiredPosition() == OnExpiredPosition.FAIL) {
            throw new DataHubFatalException(DataHubFatalException.Reason.POSITION_EXPIRED, what
                    + " Records before it were deleted by the topic's lifecycle before this job read them."
                    + " To continue from the oldest retained record, restart with"
                    + " datahub.on-expired-position=oldest.", e);
        }
        counters.expiredPositionResets.inc();
        LOG.warn("{} Continuing from the oldest retained record (datahub.on-expired-position=oldest); "
                + "records in between are skipped.", what);
        return oldest;
    }

    /** For an idle shard with a stop time: true when DataHub holds no record before stop after our position. */
    private boolean stopTimeReached(ShardReadState shard, long now) {
        OptionalLong stop = config.stopAtMs();
        if (stop.isEmpty() || now < stop.getAsLong()) return false;
        try {
            ShardCursor atStop = client.cursorAt(shard.shardId, CursorPosition.systemTime(stop.getAsLong()));
            // DataHub's clock is past stop, so no record before stop can still arrive
            return atStop.sequence() <= shard.nextSequenceOrMinusOne();
        } catch (PositionOutOfRangeException e) {
            return false; // DataHub's clock has not reached the stop time yet
        }
    }

    private void shardNotFound(ShardReadState shard, long now, ShardNotFoundException e) {
        if (shard.notFoundSinceMs < 0) shard.notFoundSinceMs = now;
        if (now - shard.notFoundSinceMs < config.shardNotFoundTimeoutMs()) {
            retryLater(shard, now, e);
            return;
        }
        boolean listed = client.listShards().stream().anyMatch(s -> s.shardId().equals(shard.shardId));
        if (!listed) {
            LOG.warn("Shard {} of {} no longer exists in DataHub (its data expired); treating it as finished",
                    shard.shardId, topicName);
            finish(shard, "no longer exists");
            return;
        }
        throw new DataHubFatalException(DataHubFatalException.Reason.SHARD_GONE, "Shard " + shard.shardId + " of "
                + topicName + " is listed by DataHub but every read has answered 'shard not found' for "
                + (now - shard.notFoundSinceMs) + " ms: " + e.getMessage(), e);
    }

    private void retryLater(ShardReadState shard, long now, DataHubException e) {
        long delay = shard.retry.nextDelayMs();
        shard.nextAttemptAtMs = now + delay;
        counters.retriedCalls.inc();
        if (e instanceof DataHubRetryableException r && r.kind() == DataHubRetryableException.Kind.THROTTLED) {
            counters.throttledCalls.inc();
        }
        int attempts = shard.retry.attempts();
        if (attempts == 1 || attempts % 10 == 0) {
            LOG.warn("Reading shard {} of {} failed (attempt {}), retrying in {} ms: {}", shard.shardId, topicName,
                    attempts, delay, e.getMessage());
        }
    }

    private void recovered(ShardReadState shard) {
        if (shard.retry.attempts() > 0) {
            LOG.info("Reading shard {} of {} works again after {} failed attempts", shard.shardId, topicName,
                    shard.retry.attempts());
            shard.retry.reset();
        }
        shard.notFoundSinceMs = -1;
    }

    private void finish(ShardReadState shard, String why) {
        shard.finished = true;
        LOG.info("Shard {} of {} is finished: it {}", shard.shardId, topicName, why);
    }

    private boolean consumeWakeUp() {
        synchronized (wakeUpLock) {
            boolean requested = wakeUpRequested;
            wakeUpRequested = false;
            return requested;
        }
    }

    private void waitForDueShardOrWakeUp() {
        long now = clock.getAsLong();
        long wait = MAX_IDLE_WAIT_MS;
        for (ShardReadState s : shards.values()) {
            if (!paused.contains(s.shardId)) wait = Math.min(wait, s.nextAttemptAtMs - now);
        }
        if (wait <= 0) return;
        synchronized (wakeUpLock) {
            if (!wakeUpRequested) {
                try {
                    wakeUpLock.wait(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            wakeUpRequested = false;
        }
    }

    /** When the shard is next due, relative to the reader's clock (visible for tests). */
    long millisUntilDue(String shardId) {
        return shards.get(shardId).nextAttemptAtMs - clock.getAsLong();
    }

    @Override
    public void handleSplitsChanges(SplitsChange<ShardSplit> change) {
        if (change instanceof SplitsAddition) {
            for (ShardSplit split : change.splits()) {
                if (split.isFinished()) continue;
                shards.put(split.shardId(), new ShardReadState(split, config.idleBackoffMaxMs(),
                        config.retryBackoffMaxMs()));
            }
        } else if (change instanceof SplitsRemoval) {
            change.splits().forEach(s -> {
                shards.remove(s.shardId());
                paused.remove(s.shardId());
            });
        }
    }

    @Override
    public void pauseOrResumeSplits(Collection<ShardSplit> toPause, Collection<ShardSplit> toResume) {
        toPause.forEach(s -> paused.add(s.shardId()));
        toResume.forEach(s -> paused.remove(s.shardId()));
    }

    @Override
    public void wakeUp() {
        synchronized (wakeUpLock) {
            wakeUpRequested = true;
            wakeUpLock.notifyAll();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
