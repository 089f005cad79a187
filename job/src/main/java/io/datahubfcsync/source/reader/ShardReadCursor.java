package io.datahubfcsync.source.reader;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.RecordBatch;
import io.datahubfcsync.datahub.ShardCursor;
import io.datahubfcsync.event.ShardRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where a reader of one shard stands: the next position, the live cursor and the last sequence
 * read; and how a GetRecords answer is taken in. Shared by the source's split reader and the
 * catch-up reader so both hand on the same records in the same way.
 */
final class ShardReadCursor {
    final String shardId;
    /** Next position to read: OLDEST or SYSTEM_TIME until the first seek, then SEQUENCE. */
    CursorPosition position;
    /** Session handle for GetRecords; null means "seek from {@link #position} first". */
    String cursor;
    /** Last sequence read (before a restore too), -1 if none. */
    long lastReadSequence;
    /** Set by {@link #take} when a record at or after the stop time was met: the shard is done. */
    boolean stopTimeReached;

    ShardReadCursor(String shardId, CursorPosition position, long lastReadSequence) {
        this.shardId = shardId;
        this.position = position;
        this.lastReadSequence = lastReadSequence;
    }

    /** The next sequence to hand on, or -1 before the first seek; records below it are never re-emitted. */
    long nextSequenceOrMinusOne() {
        return position.kind() == CursorPosition.Kind.SEQUENCE ? position.value() : -1;
    }

    void seeked(ShardCursor c) {
        cursor = c.cursor();
        position = CursorPosition.sequence(c.sequence());
    }

    /**
     * The batch's records to hand on, in order: none below the position (whatever the server
     * repeats), none at or after the stop time. Advances the position and the cursor.
     */
    List<ShardRecord> take(RecordBatch batch, OptionalLong stopAtMs) {
        if (batch.nextCursor() != null) cursor = batch.nextCursor();
        List<ShardRecord> taken = new ArrayList<>(batch.records().size());
        for (ShardRecord record : batch.records()) {
            if (stopAtMs.isPresent() && record.systemTime >= stopAtMs.getAsLong()) {
                stopTimeReached = true;
                break;
            }
            if (record.sequence < nextSequenceOrMinusOne()) continue;
            taken.add(record);
            position = CursorPosition.sequence(record.sequence + 1);
            lastReadSequence = record.sequence;
        }
        return taken;
    }
}
