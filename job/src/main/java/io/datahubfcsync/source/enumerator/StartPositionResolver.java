package io.datahubfcsync.source.enumerator;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.datahub.PositionOutOfRangeException;
import io.datahubfcsync.datahub.RecordBatch;
import io.datahubfcsync.datahub.ShardCursor;
import io.datahubfcsync.datahub.ShardInfo;
import io.datahubfcsync.datahub.ShardSealedException;
import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.source.config.ResolvedStart;
import io.datahubfcsync.source.config.StartPosition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the job's {@code start} into a concrete position per shard, once, on the client before the
 * job is submitted ({@link #resolve(DataHubClient, StartPosition)}, carried in the job graph as a
 * {@link ResolvedStart}); the enumerator puts the positions into Flink state, so a later restore
 * or rescale never moves the start either.
 *
 * <ul>
 *   <li>OLDEST becomes the oldest retained sequence now: records that expire after the job was
 *       submitted and before it read them are a loss the job must notice, not a new "oldest".</li>
 *   <li>LATEST becomes the sequence after the newest record now, so that record is not read again
 *       (DataHub's LATEST cursor points <em>at</em> the newest record).</li>
 *   <li>A timestamp becomes the sequence of the first record at or after it; a time DataHub's
 *       clock has not reached yet stays a SYSTEM_TIME position, resolved when the shard is read.</li>
 * </ul>
 */
public final class StartPositionResolver {
    private static final Logger LOG = LoggerFactory.getLogger(StartPositionResolver.class);

    private final StartPosition start;

    StartPositionResolver(StartPosition start) {
        this.start = start;
    }

    /** Lists the topic's shards and resolves {@code start} for each, now. */
    public static ResolvedStart resolve(DataHubClient client, StartPosition start) {
        long now = System.currentTimeMillis();
        Map<String, CursorPosition> positions = new StartPositionResolver(start).resolve(client, client.listShards());
        return new ResolvedStart(start, now, positions);
    }

    Map<String, CursorPosition> resolve(DataHubClient client, List<ShardInfo> shards) {
        Map<String, CursorPosition> positions = new HashMap<>();
        for (ShardInfo s : shards) {
            positions.put(s.shardId(), resolve(client, s.shardId()));
        }
        LOG.info("Start position {} resolved per shard: {}", start, positions);
        return positions;
    }

    private CursorPosition resolve(DataHubClient client, String shardId) {
        return switch (start.kind()) {
            case OLDEST ->
                CursorPosition.sequence(
                        client.cursorAt(shardId, CursorPosition.oldest()).sequence());
            case LATEST -> afterNewestRecord(client, shardId);
            case TIMESTAMP -> atTime(client, shardId, start.timestampMs());
        };
    }

    private static CursorPosition afterNewestRecord(DataHubClient client, String shardId) {
        ShardCursor latest = client.cursorAt(shardId, CursorPosition.latest());
        try {
            RecordBatch batch = client.readRecords(shardId, latest.cursor(), 1);
            if (!batch.isEmpty()) {
                ShardRecord newest = batch.records().get(0);
                return CursorPosition.sequence(newest.sequence + 1);
            }
        } catch (ShardSealedException e) {
            // a CLOSED, empty shard: the cursor's sequence is its end, the reader will finish it
        }
        // an empty shard: its first record will carry the cursor's sequence
        return CursorPosition.sequence(latest.sequence());
    }

    static CursorPosition atTime(DataHubClient client, String shardId, long timeMs) {
        try {
            return CursorPosition.sequence(
                    client.cursorAt(shardId, CursorPosition.systemTime(timeMs)).sequence());
        } catch (PositionOutOfRangeException e) {
            // DataHub's clock has not reached the start time yet; resolve it when reading
            return CursorPosition.systemTime(timeMs);
        }
    }
}
