package io.datahubfcsync.source.reader;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.datahub.PositionOutOfRangeException;
import io.datahubfcsync.datahub.ShardCursor;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.config.LostRecordsException;
import io.datahubfcsync.source.config.OnExpiredPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeks a cursor at a sequence and, when DataHub no longer retains it, applies
 * {@code datahub.on-expired-position}: {@code fail} throws a {@link LostRecordsException} naming
 * the lost range; {@code oldest} logs, counts the skipped records and returns a cursor at the
 * oldest retained record. Shared by the source's split reader and the catch-up reader, so both
 * treat lost data alike.
 */
public final class ExpiredPositions {
    private static final Logger LOG = LoggerFactory.getLogger(ExpiredPositions.class);

    private final DataHubClient client;
    private final DataHubSourceConfig config;
    private final ReaderCounters counters;

    public ExpiredPositions(DataHubClient client, DataHubSourceConfig config, ReaderCounters counters) {
        this.client = client;
        this.config = config;
        this.counters = counters;
    }

    /** A cursor at {@code sequence}, or, under {@code oldest}, at the oldest record when it expired. */
    ShardCursor seekSequence(String shardId, long sequence, String context) {
        try {
            return client.cursorAt(shardId, CursorPosition.sequence(sequence));
        } catch (PositionOutOfRangeException e) {
            ShardCursor oldest = client.cursorAt(shardId, CursorPosition.oldest());
            if (oldest.sequence() <= sequence) {
                throw e; // not expired: the sequence lies beyond the shard's end, which is not ours to judge
            }
            lost(shardId, sequence, oldest.sequence(), context);
            return oldest;
        }
    }

    /**
     * Records {@code [firstLost, firstRetained)} of the shard can no longer be read. Throws under
     * {@code fail}; under {@code oldest}, logs and counts them and returns normally.
     *
     * @param firstRetained -1 when the shard is gone altogether (the count is then unknown)
     */
    void lost(String shardId, long firstLost, long firstRetained, String context) {
        lost(shardId, firstLost, firstRetained, Math.max(0, firstRetained - firstLost), context);
    }

    /**
     * The shard was deleted with its records from {@code firstLost} on; {@code knownLost} of them
     * are known to have existed (from DataHub's last report of the shard's newest sequence).
     */
    void lostWithShard(String shardId, long firstLost, long knownLost, String context) {
        lost(shardId, firstLost, -1, knownLost, context);
    }

    private void lost(String shardId, long firstLost, long firstRetained, long lostRecords, String context) {
        if (config.onExpiredPosition() == OnExpiredPosition.FAIL) {
            throw new LostRecordsException(
                    config.project(), config.topic(), shardId, firstLost, firstRetained, context);
        }
        counters.expiredPositionResets.inc();
        counters.expiredRecordsSkipped.inc(lostRecords);
        LOG.warn(
                "{} Continuing (datahub.on-expired-position=oldest): the lost records are skipped.",
                LostRecordsException.describe(
                        config.project(), config.topic(), shardId, firstLost, firstRetained, context));
    }
}
