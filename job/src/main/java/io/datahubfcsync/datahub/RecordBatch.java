package io.datahubfcsync.datahub;

import io.datahubfcsync.event.ShardRecord;
import java.util.List;

/**
 * The answer to one GetRecords call.
 *
 * @param records        in sequence order; empty when the shard has no new data yet
 * @param nextCursor     where the next call continues
 * @param latestSequence the shard's newest sequence, -1 if unknown or empty
 * @param latestTime     system time of the shard's newest record (epoch ms), -1 if unknown
 */
public record RecordBatch(List<ShardRecord> records, String nextCursor, long latestSequence, long latestTime) {
    public RecordBatch {
        records = List.copyOf(records);
    }

    public boolean isEmpty() {
        return records.isEmpty();
    }
}
