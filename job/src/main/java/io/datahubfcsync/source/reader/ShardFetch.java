package io.datahubfcsync.source.reader;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.DataHubAuthException;
import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.datahub.DataHubException;
import io.datahubfcsync.datahub.DataHubFatalException;
import io.datahubfcsync.datahub.DataHubRetryableException;
import io.datahubfcsync.datahub.ExpiredCursorException;
import io.datahubfcsync.datahub.PositionOutOfRangeException;
import io.datahubfcsync.datahub.RecordBatch;
import io.datahubfcsync.datahub.ShardCursor;
import io.datahubfcsync.datahub.ShardNotFoundException;
import io.datahubfcsync.datahub.ShardSealedException;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read of one shard: a GetRecords call (after a seek if the shard has no cursor) and what its
 * answer means for the shard: records to hand on, when to call again, or that the shard is done.
 * Runs on the split reader's call threads, one call per shard at a time, so it touches only the
 * shard it is given (and thread-safe counters).
 *
 * <p>Errors: throttling, 5xx and network errors back off per shard and never fail the job; refused
 * credentials back off too and fail only after {@code credentials.failure-grace} ({@link CredentialFailures}); a
 * rejected cursor is re-sought from the held sequence; NoSuchShard is retried for a bounded time
 * and then checked against the shard listing; an expired position follows
 * {@code datahub.on-expired-position}; everything else fails the job with DataHub's message.
 */
final class ShardFetch {
    private static final Logger LOG = LoggerFactory.getLogger(ShardFetch.class);

    /** A SYSTEM_TIME this far behind our clock that DataHub rejects must predate its retention. */
    private static final long CLOCK_SKEW_TOLERANCE_MS = 60_000;

    private final DataHubClient client;
    private final DataHubSourceConfig config;
    private final ReaderCounters counters;
    private final LongSupplier clock;
    private final ExpiredPositions expired;
    private final CredentialFailures credentials;
    private final String topicName;

    ShardFetch(DataHubClient client, DataHubSourceConfig config, ReaderCounters counters, LongSupplier clock) {
        this.client = client;
        this.config = config;
        this.counters = counters;
        this.clock = clock;
        this.expired = new ExpiredPositions(client, config, counters);
        this.credentials = new CredentialFailures(config, counters);
        this.topicName = config.project() + "/" + config.topic();
    }

    /** Reads the shard once; returns the records to hand on, in order (often none). */
    List<ShardRecord> readOnce(ShardFetchState shard) {
        long now = clock.getAsLong();
        shard.calls++;
        try {
            if (shard.at.cursor == null) {
                ShardCursor c = seek(shard, now);
                if (c == null) {
                    shard.nextAttemptAtMs = now + shard.idle.nextDelayMs();
                    return List.of();
                }
                shard.at.seeked(c);
            }
            RecordBatch batch = client.readRecords(shard.shardId, shard.at.cursor, config.fetchMaxRecords());
            credentials.accepted();
            shard.knownLatestSequence = Math.max(shard.knownLatestSequence, batch.latestSequence());
            recovered(shard);
            shard.cursorRejections = 0;
            if (batch.isEmpty()) {
                if (batch.nextCursor() != null) shard.at.cursor = batch.nextCursor();
                if (stopTimeReached(shard, now)) {
                    finish(
                            shard,
                            "has no record before the stop time "
                                    + config.stopAtMs().getAsLong());
                } else {
                    long paced = shard.pace.pauseAfterEmptyMs(now);
                    shard.nextAttemptAtMs = now + (paced >= 0 ? paced : shard.idle.nextDelayMs());
                }
                return List.of();
            }
            List<ShardRecord> taken = shard.at.take(batch, config.stopAtMs());
            for (int i = 0; i < taken.size() - 1; i++) taken.get(i).readContinues = true;
            shard.pace.read(taken, now);
            if (shard.at.stopTimeReached) {
                finish(shard, "reached the stop time after sequence " + shard.at.lastReadSequence);
            }
            shard.idle.reset();
            shard.nextAttemptAtMs = clock.getAsLong() + pauseAfterData(shard, batch);
            return taken;
        } catch (ShardSealedException e) {
            finish(shard, "is CLOSED and was read to its end (next sequence " + shard.at.position + ")");
        } catch (ExpiredCursorException | PositionOutOfRangeException e) {
            // the cursor is only a handle: seek again from the sequence we hold
            shard.at.cursor = null;
            shard.cursorRejections++;
            shard.nextAttemptAtMs = shard.cursorRejections > 1 ? now + shard.retry.nextDelayMs() : now;
            LOG.info(
                    "Cursor of shard {} of {} rejected, re-seeking {}: {}",
                    shard.shardId,
                    topicName,
                    shard.at.position,
                    e.getMessage());
        } catch (ShardNotFoundException e) {
            shardNotFound(shard, now, e);
        } catch (DataHubRetryableException e) {
            retryLater(shard, now, e);
        } catch (DataHubAuthException e) {
            credentials.refused(shard.shardId, now, e);
            shard.nextAttemptAtMs = now + shard.retry.nextDelayMs();
        }
        return List.of();
    }

    /**
     * A shard with more data is read again at once. One that DataHub says is caught up (the last
     * record read is the shard's latest) is read when its next record is due if its pace is known,
     * else after the first idle pause: an immediate read would come back empty, and with hundreds
     * of drained shards those empty reads would take the calls from shards that have data.
     */
    private long pauseAfterData(ShardFetchState shard, RecordBatch batch) {
        boolean caughtUp = batch.latestSequence() >= 0 && shard.at.lastReadSequence >= batch.latestSequence();
        if (!caughtUp) return shard.pace.pauseAfterDataMs(batch.records().size(), config.fetchMaxRecords());
        return shard.pace.paceKnown() ? shard.pace.oneIntervalMs() : shard.idle.nextDelayMs();
    }

    /**
     * A cursor at the shard's position, or null when the position is a time DataHub's clock has
     * not reached yet.
     */
    private ShardCursor seek(ShardFetchState shard, long now) {
        CursorPosition p = shard.at.position;
        if (p.kind() == CursorPosition.Kind.SEQUENCE) {
            return expired.seekSequence(shard.shardId, p.value(), "which the source was to read next");
        }
        try {
            return client.cursorAt(shard.shardId, p);
        } catch (PositionOutOfRangeException e) {
            switch (p.kind()) {
                case SYSTEM_TIME:
                    if (p.value() > now - CLOCK_SKEW_TOLERANCE_MS) {
                        return null;
                    }
                    LOG.info(
                            "Start time {} of shard {} of {} is before DataHub's retention; reading from OLDEST",
                            p.value(),
                            shard.shardId,
                            topicName);
                    shard.at.position = CursorPosition.oldest();
                    return client.cursorAt(shard.shardId, CursorPosition.oldest());
                default:
                    throw new DataHubRetryableException(
                            DataHubRetryableException.Kind.SERVER_ERROR,
                            "DataHub rejected " + p + " for shard " + shard.shardId + " of " + topicName,
                            e);
            }
        }
    }

    /** For an idle shard with a stop time: true when DataHub holds no record before stop after our position. */
    private boolean stopTimeReached(ShardFetchState shard, long now) {
        OptionalLong stop = config.stopAtMs();
        if (stop.isEmpty() || now < stop.getAsLong()) return false;
        try {
            ShardCursor atStop = client.cursorAt(shard.shardId, CursorPosition.systemTime(stop.getAsLong()));
            // DataHub's clock is past stop, so no record before stop can still arrive
            return atStop.sequence() <= shard.at.nextSequenceOrMinusOne();
        } catch (PositionOutOfRangeException e) {
            return false; // DataHub's clock has not reached the stop time yet
        }
    }

    private void shardNotFound(ShardFetchState shard, long now, ShardNotFoundException e) {
        if (shard.notFoundSinceMs < 0) shard.notFoundSinceMs = now;
        if (now - shard.notFoundSinceMs < config.shardNotFoundTimeoutMs()) {
            retryLater(shard, now, e);
            return;
        }
        boolean listed = client.listShards().stream().anyMatch(s -> s.shardId().equals(shard.shardId));
        if (!listed) {
            // DataHub deletes a shard with its data: whatever was left to read of it is lost
            long next = shard.at.nextSequenceOrMinusOne();
            long firstLost = Math.max(0, next);
            long knownLost = shard.knownLatestSequence >= firstLost ? shard.knownLatestSequence - firstLost + 1 : 0;
            expired.lostWithShard(
                    shard.shardId,
                    firstLost,
                    knownLost,
                    "no longer listed by DataHub: the shard and its records were deleted while this job read it");
            finish(shard, "no longer exists");
            return;
        }
        throw new DataHubFatalException(
                DataHubFatalException.Reason.SHARD_GONE,
                "Shard " + shard.shardId + " of "
                        + topicName + " is listed by DataHub but every read has answered 'shard not found' for "
                        + (now - shard.notFoundSinceMs) + " ms: " + e.getMessage(),
                e);
    }

    private void retryLater(ShardFetchState shard, long now, DataHubException e) {
        long delay = shard.retry.nextDelayMs();
        shard.nextAttemptAtMs = now + delay;
        counters.retriedCalls.inc();
        if (e instanceof DataHubRetryableException r && r.kind() == DataHubRetryableException.Kind.THROTTLED) {
            counters.throttledCalls.inc();
        }
        int attempts = shard.retry.attempts();
        if (attempts == 1 || attempts % 10 == 0) {
            LOG.warn(
                    "Reading shard {} of {} failed (attempt {}), retrying in {} ms: {}",
                    shard.shardId,
                    topicName,
                    attempts,
                    delay,
                    e.getMessage());
        }
    }

    private void recovered(ShardFetchState shard) {
        if (shard.retry.attempts() > 0) {
            LOG.info(
                    "Reading shard {} of {} works again after {} failed attempts",
                    shard.shardId,
                    topicName,
                    shard.retry.attempts());
            shard.retry.reset();
        }
        shard.notFoundSinceMs = -1;
    }

    private void finish(ShardFetchState shard, String why) {
        shard.finished = true;
        LOG.info("Shard {} of {} is finished: it {}", shard.shardId, topicName, why);
    }
}
