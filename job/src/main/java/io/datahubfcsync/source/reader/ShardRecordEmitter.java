package io.datahubfcsync.source.reader;

import io.datahubfcsync.event.ShardRecord;
import io.datahubfcsync.source.split.EmittedSplitProgress;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/**
 * Hands each record on (timestamped with its DataHub system time) and advances the shard's
 * position in the same task-thread step, so a checkpoint never holds a position ahead of or
 * behind what was emitted. Markers go out in the same order, and move no position.
 */
public final class ShardRecordEmitter implements RecordEmitter<ShardRecord, ShardRecord, EmittedSplitProgress> {
    @Override
    public void emitRecord(ShardRecord record, SourceOutput<ShardRecord> output, EmittedSplitProgress state) {
        if (record.isMarker()) {
            output.collect(record);
            return;
        }
        output.collect(record, record.systemTime);
        state.recordEmitted(record);
    }
}
