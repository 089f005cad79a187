package io.datahubfcsync.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.RecordBatch;
import io.datahubfcsync.datahub.ShardCursor;
import io.datahubfcsync.event.ShardRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** How one shard's reader takes in a GetRecords answer: in order, never below its position, never past the stop time. */
class ShardReadCursorTest {
    private static ShardRecord record(long sequence, long systemTime) {
        return ShardRecord.blob("0", sequence, systemTime, ("r" + sequence).getBytes(StandardCharsets.UTF_8));
    }

    private static RecordBatch batch(String next, long... sequences) {
        List<ShardRecord> records = new ArrayList<>();
        for (long s : sequences) records.add(record(s, 1_000 + s));
        return new RecordBatch(records, next, 99, 1_099);
    }

    @Test
    void beforeTheFirstSeekThereIsNoNextSequenceAndASeekSetsPositionAndCursor() {
        ShardReadCursor c = new ShardReadCursor("0", CursorPosition.oldest(), -1);
        assertThat(c.nextSequenceOrMinusOne()).isEqualTo(-1);
        c.seeked(new ShardCursor("cur-7", 7, 0));
        assertThat(c.cursor).isEqualTo("cur-7");
        assertThat(c.position).isEqualTo(CursorPosition.sequence(7));
        assertThat(c.nextSequenceOrMinusOne()).isEqualTo(7);
    }

    @Test
    void takenRecordsMoveThePositionTheCursorAndTheLastReadSequence() {
        ShardReadCursor c = new ShardReadCursor("0", CursorPosition.sequence(3), 2);
        List<ShardRecord> taken = c.take(batch("next", 3, 4, 5), OptionalLong.empty());
        assertThat(taken).extracting(r -> r.sequence).containsExactly(3L, 4L, 5L);
        assertThat(c.position).isEqualTo(CursorPosition.sequence(6));
        assertThat(c.lastReadSequence).isEqualTo(5);
        assertThat(c.cursor).isEqualTo("next");
    }

    @Test
    void recordsBelowThePositionThatTheServerRepeatsAreNotHandedOnAgain() {
        ShardReadCursor c = new ShardReadCursor("0", CursorPosition.sequence(5), 4);
        assertThat(c.take(batch("next", 3, 4, 5, 6), OptionalLong.empty()))
                .extracting(r -> r.sequence)
                .containsExactly(5L, 6L);
    }

    @Test
    void aRecordAtTheStopTimeEndsTheShardAndNothingFromItOnIsTaken() {
        ShardReadCursor c = new ShardReadCursor("0", CursorPosition.sequence(0), -1);
        List<ShardRecord> taken = c.take(batch("next", 0, 1, 2, 3), OptionalLong.of(1_002));
        assertThat(taken).extracting(r -> r.sequence).containsExactly(0L, 1L);
        assertThat(c.stopTimeReached).isTrue();
        assertThat(c.position).isEqualTo(CursorPosition.sequence(2));
    }

    @Test
    void anAnswerWithoutANextCursorKeepsTheCurrentOne() {
        ShardReadCursor c = new ShardReadCursor("0", CursorPosition.sequence(0), -1);
        c.seeked(new ShardCursor("cur-0", 0, 0));
        c.take(batch(null), OptionalLong.empty());
        assertThat(c.cursor).isEqualTo("cur-0");
        assertThat(c.stopTimeReached).isFalse();
    }
}
