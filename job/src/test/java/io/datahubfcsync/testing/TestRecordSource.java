package io.datahubfcsync.testing;

import io.datahubfcsync.event.ShardRecord;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * A checkpointed FLIP-27 test source that stands in for the DataHub source in delivery tests:
 * emits {@code count} generated records (record {@code i} from a {@link RecordAt}), optionally one
 * every {@code intervalMs}, then either ends (bounded) or stays idle so that checkpoints, retries
 * and restores can happen while the job is still running. Its position is checkpointed, so a
 * restored job does not emit records again. Run it with parallelism 1 (one split).
 */
public final class TestRecordSource implements Source<ShardRecord, TestRecordSource.Split, Boolean> {
    private static final long serialVersionUID = 1L;

    /** Record number {@code i} of the stream; must be deterministic. */
    @FunctionalInterface
    public interface RecordAt extends Serializable {
        ShardRecord at(long index);
    }

    private final RecordAt records;
    private final long count;
    private final long intervalMs;
    private final boolean bounded;

    private TestRecordSource(RecordAt records, long count, long intervalMs, boolean bounded) {
        this.records = records;
        this.count = count;
        this.intervalMs = intervalMs;
        this.bounded = bounded;
    }

    /** Emits all records as fast as the job takes them, then ends. */
    public static TestRecordSource bounded(RecordAt records, long count) {
        return new TestRecordSource(records, count, 0, true);
    }

    /** Emits all records, one per {@code intervalMs} (0: as fast as possible), then stays idle until cancelled. */
    public static TestRecordSource thenIdle(RecordAt records, long count, long intervalMs) {
        return new TestRecordSource(records, count, intervalMs, false);
    }

    /** {@code shards} shards named "0".."shards-1", records round-robin, sequences from 0, systemTime 1000 * (sequence + 1). */
    public static RecordAt roundRobin(int shards) {
        return i -> {
            long seq = i / shards;
            String shard = Long.toString(i % shards);
            return ShardRecord.tuple(shard, seq, 1000 * (seq + 1), new String[] {"v" + i, Long.toString(seq)});
        };
    }

    @Override
    public Boundedness getBoundedness() {
        return bounded ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<Split, Boolean> createEnumerator(SplitEnumeratorContext<Split> context) {
        return new Enumerator(context, false);
    }

    @Override
    public SplitEnumerator<Split, Boolean> restoreEnumerator(SplitEnumeratorContext<Split> context, Boolean assigned) {
        return new Enumerator(context, assigned);
    }

    @Override
    public SimpleVersionedSerializer<Split> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Boolean> getEnumeratorCheckpointSerializer() {
        return new SimpleVersionedSerializer<>() {
            @Override
            public int getVersion() {
                return 1;
            }

            @Override
            public byte[] serialize(Boolean assigned) {
                return new byte[] {(byte) (assigned ? 1 : 0)};
            }

            @Override
            public Boolean deserialize(int version, byte[] bytes) {
                return bytes[0] == 1;
            }
        };
    }

    @Override
    public SourceReader<ShardRecord, Split> createReader(SourceReaderContext context) {
        return new Reader();
    }

    /** The one split: the next record number to emit. */
    public static final class Split implements SourceSplit {
        final long next;

        Split(long next) {
            this.next = next;
        }

        @Override
        public String splitId() {
            return "records";
        }
    }

    private static final class SplitSerializer implements SimpleVersionedSerializer<Split> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Split split) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(8);
            out.writeLong(split.next);
            return out.getCopyOfBuffer();
        }

        @Override
        public Split deserialize(int version, byte[] bytes) throws IOException {
            return new Split(new DataInputDeserializer(bytes).readLong());
        }
    }

    private static final class Enumerator implements SplitEnumerator<Split, Boolean> {
        private final SplitEnumeratorContext<Split> context;
        private boolean assigned;

        Enumerator(SplitEnumeratorContext<Split> context, boolean assigned) {
            this.context = context;
            this.assigned = assigned;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {}

        @Override
        public void addSplitsBack(List<Split> splits, int subtaskId) {
            for (Split s : splits) context.assignSplit(s, subtaskId);
        }

        @Override
        public void addReader(int subtaskId) {
            if (!assigned) {
                context.assignSplit(new Split(0), subtaskId);
                assigned = true;
            }
            context.signalNoMoreSplits(subtaskId);
        }

        @Override
        public Boolean snapshotState(long checkpointId) {
            return assigned;
        }

        @Override
        public void close() {}
    }

    private final class Reader implements SourceReader<ShardRecord, Split> {
        private long next = -1; // -1: no split yet
        private boolean noMoreSplits;
        private CompletableFuture<Void> available = new CompletableFuture<>();
        private long nextDueNanos;

        @Override
        public void start() {}

        @Override
        public InputStatus pollNext(ReaderOutput<ShardRecord> output) {
            if (next < 0) {
                return noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
            }
            if (next >= count) {
                return bounded ? InputStatus.END_OF_INPUT : idle();
            }
            if (intervalMs > 0) {
                long wait = nextDueNanos - System.nanoTime();
                if (wait > 0) {
                    available = new CompletableFuture<>();
                    CompletableFuture<Void> f = available;
                    CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS)
                            .execute(() -> f.complete(null));
                    return InputStatus.NOTHING_AVAILABLE;
                }
                nextDueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs);
            }
            output.collect(records.at(next++));
            return next < count ? InputStatus.MORE_AVAILABLE : (bounded ? InputStatus.END_OF_INPUT : idle());
        }

        /** Everything emitted: never available again, but checkpoints and cancellation still work. */
        private InputStatus idle() {
            if (available.isDone()) available = new CompletableFuture<>();
            return InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public List<Split> snapshotState(long checkpointId) {
            return next < 0 ? Collections.emptyList() : new ArrayList<>(List.of(new Split(next)));
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return available;
        }

        @Override
        public void addSplits(List<Split> splits) {
            next = splits.get(0).next;
            available.complete(null);
        }

        @Override
        public void notifyNoMoreSplits() {
            noMoreSplits = true;
            available.complete(null);
        }

        @Override
        public void close() {}
    }
}
