package io.datahubfcsync.source.testing;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.DataHubClient;
import io.datahubfcsync.datahub.DataHubException;
import io.datahubfcsync.datahub.ExpiredCursorException;
import io.datahubfcsync.datahub.PositionOutOfRangeException;
import io.datahubfcsync.datahub.RecordBatch;
import io.datahubfcsync.datahub.ShardCursor;
import io.datahubfcsync.datahub.ShardInfo;
import io.datahubfcsync.datahub.ShardNotFoundException;
import io.datahubfcsync.datahub.ShardSealedException;
import io.datahubfcsync.datahub.TopicDescription;
import io.datahubfcsync.event.ShardRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A deterministic in-memory stand-in for our own {@link DataHubClient} interface (unit tests
 * only; capability tests use the DataHub emulator over HTTP with the real SDK). Sequences are
 * dense per shard; records older than a shard's {@code oldest} count as expired.
 */
public final class FakeDataHubClient implements DataHubClient {
    public final class Shard {
        final String id;
        ShardInfo.State state = ShardInfo.State.ACTIVE;
        final List<String> parents;
        final List<ShardRecord> records = new ArrayList<>();
        long oldest;

        Shard(String id, List<String> parents) {
            this.id = id;
            this.parents = parents;
        }

        /** Appends a BLOB record "<id>-<seq>" at the given system time. */
        public Shard append(long systemTime) {
            long seq = records.size();
            records.add(ShardRecord.blob(id, seq, systemTime, (id + "-" + seq).getBytes(StandardCharsets.UTF_8)));
            return this;
        }

        public Shard appendMany(int n, long firstTime) {
            for (int i = 0; i < n; i++) append(firstTime + i);
            return this;
        }

        public Shard close() {
            state = ShardInfo.State.CLOSED;
            return this;
        }

        /** Records below this sequence have expired. */
        public Shard expireBefore(long sequence) {
            oldest = sequence;
            return this;
        }

        long latestTime() {
            return records.isEmpty() ? -1 : records.get(records.size() - 1).systemTime;
        }
    }

    private final Map<String, Shard> shards = new LinkedHashMap<>();
    private final Deque<Supplier<DataHubException>> readFaults = new ArrayDeque<>();
    private final Deque<Supplier<DataHubException>> cursorFaults = new ArrayDeque<>();
    public final AtomicInteger readCalls = new AtomicInteger();
    public final AtomicInteger cursorCalls = new AtomicInteger();
    public volatile long dataHubNowMs = Long.MAX_VALUE / 2;

    public synchronized Shard shard(String id, String... parents) {
        return shards.computeIfAbsent(id, k -> new Shard(k, List.of(parents)));
    }

    /** DataHub deletes the shard (as it does a CLOSED shard whose records all expired). */
    public synchronized void delete(String id) {
        shards.remove(id);
    }

    /** The next read calls throw these, in order. */
    public synchronized void failReads(Supplier<DataHubException> fault, int times) {
        for (int i = 0; i < times; i++) readFaults.add(fault);
    }

    public synchronized void failCursors(Supplier<DataHubException> fault, int times) {
        for (int i = 0; i < times; i++) cursorFaults.add(fault);
    }

    @Override
    public synchronized TopicDescription describeTopic() {
        return new TopicDescription("p", "t", TopicDescription.RecordKind.BLOB, List.of(), shards.size(), 1);
    }

    @Override
    public synchronized List<ShardInfo> listShards() {
        List<ShardInfo> out = new ArrayList<>();
        for (Shard s : shards.values()) out.add(new ShardInfo(s.id, s.state, s.parents, "0", "F"));
        return out;
    }

    @Override
    public synchronized ShardCursor cursorAt(String shardId, CursorPosition position) {
        cursorCalls.incrementAndGet();
        if (!cursorFaults.isEmpty()) throw cursorFaults.poll().get();
        Shard s = existing(shardId);
        long latest = s.records.size() - 1L;
        long seq = switch (position.kind()) {
            case OLDEST -> s.oldest;
            case LATEST -> Math.max(latest, s.oldest);
            case SEQUENCE -> {
                if (position.value() < s.oldest || position.value() > latest + 1) {
                    throw new PositionOutOfRangeException("SeekOutOfRange " + position, null);
                }
                yield position.value();
            }
            case SYSTEM_TIME -> {
                if (position.value() > dataHubNowMs) throw new PositionOutOfRangeException("time in future", null);
                long found = latest + 1;
                for (long i = s.oldest; i <= latest; i++) {
                    if (s.records.get((int) i).systemTime >= position.value()) {
                        found = i;
                        break;
                    }
                }
                yield found;
            }
        };
        return new ShardCursor(shardId + ":" + seq, seq, 0);
    }

    @Override
    public synchronized RecordBatch readRecords(String shardId, String cursor, int limit) {
        readCalls.incrementAndGet();
        if (!readFaults.isEmpty()) throw readFaults.poll().get();
        Shard s = existing(shardId);
        String[] parts = cursor.split(":");
        if (parts.length != 2 || !parts[0].equals(shardId)) throw new ExpiredCursorException("InvalidCursor", null);
        long from = Long.parseLong(parts[1]);
        if (from < s.oldest) throw new ExpiredCursorException("InvalidCursor: expired", null);
        List<ShardRecord> out = new ArrayList<>();
        for (long i = from; i < s.records.size() && out.size() < limit; i++) {
            ShardRecord r = copy(s.records.get((int) i));
            r.shardLatestTime = s.latestTime();
            out.add(r);
        }
        if (out.isEmpty() && s.state == ShardInfo.State.CLOSED) {
            throw new ShardSealedException("shard " + shardId + " sealed", null);
        }
        return new RecordBatch(out, shardId + ":" + (from + out.size()), s.records.size() - 1L, s.latestTime());
    }

    private static ShardRecord copy(ShardRecord r) {
        return ShardRecord.blob(r.shardId, r.sequence, r.systemTime, r.blob.clone());
    }

    private Shard existing(String shardId) {
        Shard s = shards.get(shardId);
        if (s == null) throw new ShardNotFoundException("NoSuchShard " + shardId, null);
        return s;
    }

    @Override
    public void close() {}

    /** One {@link #putBlob} call, as it was made. */
    public record Put(String partitionKey, byte[] data, Map<String, String> attributes) {}

    /** Every {@link #putBlob} so far, in call order. */
    public final List<Put> puts = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void putBlob(String partitionKey, byte[] data, Map<String, String> attributes) {
        puts.add(new Put(partitionKey, data.clone(), Map.copyOf(attributes)));
    }
}
