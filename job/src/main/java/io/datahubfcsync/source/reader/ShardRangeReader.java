package io.datahubfcsync.source.reader;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.datahub.DataHubFatalException;
import io.datahubfcsync.datahub.DataHubRetryableException;
import io.datahubfcsync.datahub.ExpiredCursorException;
import io.datahubfcsync.datahub.PositionOutOfRangeException;
import io.datahubfcsync.datahub.RecordBatch;
import io.datahubfcsync.datahub.ShardNotFoundException;
import io.datahubfcsync.datahub.ShardSealedException;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.retry.Backoff;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.LostRecordsException;
import io.datahubfcsync.source.config.SourceOptions;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads one shard from a given sequence on, in order, one bounded batch per {@link #next} call,
 * until {@link #stop()}: for a delivery lane that let records go while it could not move and now
 * catches up, until it meets the records the source sends it again.
 *
 * <p>It reads through the same {@link DataHubClient} seam, cursor handling and record conversion as
 * the source's split reader, so a re-read record equals the one the source emitted. Each call makes
 * at most one seek and one GetRecords call and never sleeps: when DataHub has nothing yet or
 * answers with a transient error, the batch says how long to wait ({@link Batch#retryAfterMs}), so
 * the caller can run it on a pool thread and schedule the next call itself.
 *
 * <p>Records that expired before they were re-read follow {@code datahub.on-expired-position}:
 * {@code fail} throws a {@link LostRecordsException} naming project, topic, shard and the lost
 * range (the caller decides how the job fails); {@code oldest} goes on from the oldest retained
 * record, and the batch reports how many records were skipped, also counted in
 * {@code expiredRecordsSkipped}. The stop time ({@code stop}) ends the range like it ends the shard
 * in the source.
 *
 * <p>Not thread-safe: one call at a time, from any thread; {@link #stop()} may come from any thread.
 */
public final class ShardRangeReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardRangeReader.class);

    private final DataHubClient client;
    private final boolean ownsClient;
    private final DataHubSourceConfig config;
    private final ExpiredPositions expired;
    private final ShardReadCursor at;
    private final Backoff idle;
    private final Backoff retry;
    private long notFoundSinceMs = -1;
    private int cursorRejections;
    private boolean ended;
    private volatile boolean stopped;

    /**
     * One batch of a re-read.
     *
     * @param records        in sequence order, none at or after the stop time; may be empty
     * @param skippedRecords records that expired right before this batch and were skipped
     *                       ({@code datahub.on-expired-position=oldest}); 0 otherwise
     * @param shardEnded     the shard is CLOSED and read to its end, or the stop time was reached:
     *                       no later call returns records
     * @param retryAfterMs   when nothing was read: wait this long before the next call; 0 to call
     *                       again at once
     */
    public record Batch(List<ShardRecord> records, long skippedRecords, boolean shardEnded, long retryAfterMs) {
        public Batch {
            records = List.copyOf(records);
        }
    }

    /** A reader with its own client (built from the config's factory) and counters registered nowhere. */
    public static ShardRangeReader open(DataHubSourceConfig config, String shardId, long firstSequence) {
        return new ShardRangeReader(
                config.clientFactory().create(), true, config, ReaderCounters.unregistered(), shardId, firstSequence);
    }

    /** A reader with its own client, counting skipped records in {@code counters}. */
    public static ShardRangeReader open(
            DataHubSourceConfig config, ReaderCounters counters, String shardId, long firstSequence) {
        return new ShardRangeReader(config.clientFactory().create(), true, config, counters, shardId, firstSequence);
    }

    /** A reader over a client the caller owns (and closes). */
    public ShardRangeReader(
            DataHubClient client,
            DataHubSourceConfig config,
            ReaderCounters counters,
            String shardId,
            long firstSequence) {
        this(client, false, config, counters, shardId, firstSequence);
    }

    private ShardRangeReader(
            DataHubClient client,
            boolean ownsClient,
            DataHubSourceConfig config,
            ReaderCounters counters,
            String shardId,
            long firstSequence) {
        if (firstSequence < 0) {
            throw new IllegalArgumentException(
                    "A re-read of shard " + shardId + " starts at a sequence >= 0, got " + firstSequence);
        }
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.config = config;
        this.expired = new ExpiredPositions(client, config, counters);
        this.at = new ShardReadCursor(
                Objects.requireNonNull(shardId, "shardId"), CursorPosition.sequence(firstSequence), firstSequence - 1);
        this.idle = new Backoff(Math.min(20, config.idleBackoffMaxMs()), config.idleBackoffMaxMs(), 0);
        this.retry = new Backoff(100, config.retryBackoffMaxMs(), 0.2);
    }

    public String shardId() {
        return at.shardId;
    }

    /** The sequence the next record returned will have (or, after a skip, at least). */
    public long nextSequence() {
        return at.position.value();
    }

    public boolean isStopped() {
        return stopped;
    }

    /** Ends the re-read: later calls return an empty, ended batch and make no call to DataHub. */
    public void stop() {
        stopped = true;
    }

    /**
     * Up to {@code maxRecords} (1..1000) further records of the range.
     *
     * @throws LostRecordsException records expired under {@code datahub.on-expired-position=fail}
     * @throws DataHubFatalException DataHub refused the read for good (credentials, permissions, schema)
     */
    public Batch next(int maxRecords) {
        if (stopped || ended) return new Batch(List.of(), 0, true, 0);
        int limit = Math.max(1, Math.min(SourceOptions.MAX_FETCH_RECORDS, maxRecords));
        long skipped = 0;
        try {
            if (at.cursor == null) {
                long wanted = at.position.value();
                at.seeked(expired.seekSequence(at.shardId, wanted, "which delivery was to re-read"));
                skipped = Math.max(0, at.position.value() - wanted);
            }
            RecordBatch batch = client.readRecords(at.shardId, at.cursor, limit);
            notFoundSinceMs = -1;
            cursorRejections = 0;
            retry.reset();
            List<ShardRecord> records = at.take(batch, config.stopAtMs());
            if (at.stopTimeReached) {
                ended = true;
            } else if (records.isEmpty()) {
                if (batch.nextCursor() != null) at.cursor = batch.nextCursor();
                return new Batch(records, skipped, false, idle.nextDelayMs());
            }
            idle.reset();
            return new Batch(records, skipped, ended, 0);
        } catch (ShardSealedException e) {
            ended = true;
            return new Batch(List.of(), skipped, true, 0);
        } catch (ExpiredCursorException | PositionOutOfRangeException e) {
            // the cursor is only a handle: seek again from the sequence held (which also finds expiry)
            at.cursor = null;
            cursorRejections++;
            return new Batch(List.of(), skipped, false, cursorRejections > 1 ? retry.nextDelayMs() : 0);
        } catch (ShardNotFoundException e) {
            return shardNotFound(e, skipped);
        } catch (DataHubRetryableException e) {
            long delay = retry.nextDelayMs();
            if (retry.attempts() == 1 || retry.attempts() % 10 == 0) {
                LOG.warn(
                        "Re-reading shard {} of {}/{} failed (attempt {}), retrying in {} ms: {}",
                        at.shardId,
                        config.project(),
                        config.topic(),
                        retry.attempts(),
                        delay,
                        e.getMessage());
            }
            return new Batch(List.of(), skipped, false, delay);
        }
    }

    /** Briefly unknown right after a reshard; gone for good once unlisted: its records are lost. */
    private Batch shardNotFound(ShardNotFoundException e, long skipped) {
        long now = System.currentTimeMillis();
        if (notFoundSinceMs < 0) notFoundSinceMs = now;
        if (now - notFoundSinceMs < config.shardNotFoundTimeoutMs()) {
            return new Batch(List.of(), skipped, false, retry.nextDelayMs());
        }
        if (client.listShards().stream().anyMatch(s -> s.shardId().equals(at.shardId))) {
            throw new DataHubFatalException(
                    DataHubFatalException.Reason.SHARD_GONE,
                    "Shard " + at.shardId + " of "
                            + config.project() + "/" + config.topic()
                            + " is listed by DataHub but every re-read has answered"
                            + " 'shard not found' for " + (now - notFoundSinceMs) + " ms: " + e.getMessage(),
                    e);
        }
        expired.lostWithShard(
                at.shardId,
                at.position.value(),
                0,
                "no longer listed by DataHub: the shard and its records were deleted before delivery re-read them");
        ended = true;
        return new Batch(List.of(), skipped, true, 0);
    }

    @Override
    public void close() {
        stopped = true;
        if (ownsClient) client.close();
    }

    @Override
    public String toString() {
        return "ShardRangeReader{" + config.project() + "/" + config.topic() + " shard " + at.shardId + " from "
                + at.position + (stopped ? ", stopped" : "") + '}';
    }
}
