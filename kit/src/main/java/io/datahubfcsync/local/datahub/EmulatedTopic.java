package io.datahubfcsync.local.datahub;

import com.aliyun.datahub.client.model.CursorType;
import com.aliyun.datahub.client.model.RecordType;
import com.aliyun.datahub.client.model.ShardState;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A topic and its shards. Every method is synchronized on the topic: shards of one topic change
 * together on split and merge, and calls are short, so one lock per topic is enough.
 */
final class EmulatedTopic {
    private static final AtomicLong INCARNATIONS = new AtomicLong();
    static final int MAX_READ_LIMIT = 1000;

    /** What getCursor answers. */
    record CursorAnswer(String cursor, long sequence, long recordTime) {}

    /** What getRecords answers; {@code cursors} has one entry per record plus the next cursor. */
    record ReadAnswer(List<StoredRecord> records, List<String> cursors, long latestSequence, long latestTime) {
        String nextCursor() {
            return cursors.get(cursors.size() - 1);
        }

        long startSequence() {
            return records.isEmpty() ? -1 : records.get(0).sequence();
        }
    }

    /** A per-record failure of putRecords. */
    record PutFailure(int index, String errorCode, String errorMessage) {}

    final String project;
    final String name;
    final RecordType recordType;
    final TopicSchema schema; // null for BLOB
    final int lifecycleDays;
    final String comment;
    final String expandMode;
    final long createTimeSeconds;
    private final long incarnation = INCARNATIONS.incrementAndGet();
    private final Clock clock;
    private final DataHubFaults faults;
    private final TreeMap<Integer, EmulatedShard> shards = new TreeMap<>();
    private int nextShardId;
    private long lastModifySeconds;

    EmulatedTopic(
            String project,
            String name,
            int shardCount,
            int lifecycleDays,
            TopicSchema schema,
            String comment,
            String expandMode,
            Clock clock,
            DataHubFaults faults) {
        if (shardCount < 1) {
            throw ServiceError.invalidParameter("ShardCount must be at least 1, was " + shardCount);
        }
        this.project = project;
        this.name = name;
        this.recordType = schema == null ? RecordType.BLOB : RecordType.TUPLE;
        this.schema = schema;
        this.lifecycleDays = lifecycleDays;
        this.comment = comment == null ? "" : comment;
        this.expandMode = expandMode == null ? "" : expandMode;
        this.clock = clock;
        this.faults = faults;
        this.createTimeSeconds = clock.millis() / 1000;
        this.lastModifySeconds = createTimeSeconds;
        List<BigInteger> bounds = HashKeys.evenBoundaries(shardCount);
        for (int i = 0; i < shardCount; i++) {
            addShard(bounds.get(i), bounds.get(i + 1), List.of());
        }
    }

    private EmulatedShard addShard(BigInteger begin, BigInteger end, List<String> parents) {
        EmulatedShard s = new EmulatedShard(nextShardId++, begin, end, parents);
        shards.put(s.id, s);
        return s;
    }

    synchronized long lastModifySeconds() {
        return lastModifySeconds;
    }

    synchronized int activeShardCount() {
        return (int) shards.values().stream().filter(EmulatedShard::isActive).count();
    }

    synchronized List<ShardSnapshot> snapshot() {
        List<ShardSnapshot> out = new ArrayList<>();
        for (EmulatedShard s : shards.values()) out.add(snapshotOf(s));
        return out;
    }

    private static ShardSnapshot snapshotOf(EmulatedShard s) {
        return new ShardSnapshot(
                s.shardId(),
                s.state,
                HashKeys.format(s.beginKey),
                HashKeys.format(s.endKey),
                s.parentIds,
                s.closedTimeSeconds,
                s.oldestSequence(),
                s.nextSequence());
    }

    synchronized List<StoredRecord> records(String shardId) {
        return shard(shardId).snapshot();
    }

    // ------------------------------------------------------------------ reading

    synchronized CursorAnswer cursor(String shardId, CursorType type, Long parameter) {
        EmulatedShard s = shardForCall(shardId);
        long oldest = s.oldestSequence();
        long next = s.nextSequence();
        long sequence;
        switch (type) {
            case OLDEST:
                sequence = oldest;
                break;
            case LATEST:
                sequence = s.hasRecords() ? next - 1 : next;
                break;
            case SEQUENCE:
                if (parameter == null) throw ServiceError.invalidParameter("Sequence is required for SEQUENCE cursors");
                if (parameter < oldest || parameter > next) {
                    throw ServiceError.seekOutOfRange("The sequence " + parameter + " is out of range; shard " + shardId
                            + " holds sequences [" + oldest + ", " + next + ").");
                }
                sequence = parameter;
                break;
            case SYSTEM_TIME:
                if (parameter == null)
                    throw ServiceError.invalidParameter("SystemTime is required for SYSTEM_TIME cursors");
                if (parameter < 0) throw ServiceError.invalidParameter("Invalid time value " + parameter);
                if (parameter > clock.millis()) {
                    throw ServiceError.seekOutOfRange("The time " + parameter + " is later than the current time.");
                }
                sequence = s.firstSequenceAtOrAfter(parameter);
                break;
            default:
                throw ServiceError.invalidParameter("Unknown cursor type " + type);
        }
        StoredRecord at = s.at(sequence);
        return new CursorAnswer(
                Cursors.encode(incarnation, s.id, sequence), sequence, at == null ? 0 : at.systemTime());
    }

    synchronized ReadAnswer read(String shardId, String cursor, int limit) {
        EmulatedShard s = shardForCall(shardId);
        long from = Cursors.decode(cursor, incarnation, s.id);
        if (from < s.oldestSequence()) {
            throw ServiceError.invalidCursor(
                    "The cursor is expired: sequence " + from + " is before the oldest retained " + "sequence "
                            + s.oldestSequence() + " of shard " + shardId + ".");
        }
        if (from > s.nextSequence()) {
            throw ServiceError.invalidCursor("The cursor points past the end of shard " + shardId + ".");
        }
        List<StoredRecord> records = s.read(from, Math.max(1, Math.min(MAX_READ_LIMIT, limit)));
        if (records.isEmpty() && !s.isActive()) {
            // A CLOSED shard read to its end: the SDK raises ShardSealedException.
            throw ServiceError.shardNotActive();
        }
        List<String> cursors = new ArrayList<>(records.size() + 1);
        for (StoredRecord r : records) cursors.add(Cursors.encode(incarnation, s.id, r.sequence()));
        cursors.add(Cursors.encode(incarnation, s.id, from + records.size()));
        StoredRecord latest = s.latest();
        return new ReadAnswer(
                records, cursors, latest == null ? -1 : latest.sequence(), latest == null ? -1 : latest.systemTime());
    }

    // ------------------------------------------------------------------ writing

    /**
     * putRecords: routes each record by ShardId, HashKey, then MD5(PartitionKey) over ACTIVE shards.
     * A record aimed at a CLOSED shard fails the whole request (nothing is written), as DataHub does;
     * other bad records fail alone.
     */
    synchronized List<PutFailure> put(List<IncomingRecord> in) {
        List<PutFailure> failures = new ArrayList<>();
        EmulatedShard[] targets = new EmulatedShard[in.size()];
        List<List<String>> tuples = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            IncomingRecord r = in.get(i);
            tuples.add(null);
            try {
                EmulatedShard target = route(r);
                if (!target.isActive()) throw ServiceError.shardNotActive();
                tuples.set(i, validate(r));
                targets[i] = target;
            } catch (ServiceError e) {
                if (e.errorCode.equals("InvalidShardOperation")) throw e;
                failures.add(new PutFailure(i, e.errorCode, e.getMessage()));
            }
        }
        long now = clock.millis();
        for (int i = 0; i < in.size(); i++) {
            if (targets[i] != null) targets[i].append(in.get(i), tuples.get(i), now);
        }
        return failures;
    }

    /** putRecordsByShard: all records into one ACTIVE shard, all or nothing. */
    synchronized void putToShard(String shardId, List<IncomingRecord> in) {
        EmulatedShard s = shardForCall(shardId);
        if (!s.isActive()) throw ServiceError.shardNotActive();
        List<List<String>> tuples = new ArrayList<>(in.size());
        for (IncomingRecord r : in) tuples.add(validate(r));
        long now = clock.millis();
        for (int i = 0; i < in.size(); i++) s.append(in.get(i), tuples.get(i), now);
    }

    /** Appends directly (Java API), bypassing routing. Returns the stored record. */
    synchronized StoredRecord append(String shardId, IncomingRecord r) {
        EmulatedShard s = shard(shardId);
        if (!s.isActive()) throw ServiceError.shardNotActive();
        return s.append(r, validate(r), clock.millis());
    }

    private EmulatedShard route(IncomingRecord r) {
        if (r.shardId() != null && !r.shardId().isEmpty()) {
            EmulatedShard s = parseId(r.shardId()) == null ? null : shards.get(parseId(r.shardId()));
            if (s == null) {
                throw new ServiceError(400, "InvalidShardId", "The shard id '" + r.shardId() + "' does not exist.");
            }
            return s;
        }
        BigInteger key;
        if (r.hashKey() != null && !r.hashKey().isEmpty()) {
            key = HashKeys.parseOrNull(r.hashKey());
            if (key == null) {
                throw ServiceError.invalidParameter("HashKey '" + r.hashKey() + "' is not 32 hex digits.");
            }
        } else if (r.partitionKey() != null && !r.partitionKey().isEmpty()) {
            key = HashKeys.ofPartitionKey(r.partitionKey());
        } else {
            throw ServiceError.invalidParameter("A record needs a ShardId, a HashKey or a PartitionKey.");
        }
        for (EmulatedShard s : shards.values()) {
            if (s.isActive() && s.covers(key)) return s;
        }
        throw ServiceError.internal("No ACTIVE shard covers hash key " + HashKeys.format(key));
    }

    /** The stored tuple (checked and normalized) for a TUPLE topic, null for BLOB; MalformedRecord otherwise. */
    private List<String> validate(IncomingRecord r) {
        if (r.malformed() != null) throw ServiceError.malformedRecord(r.malformed());
        if (recordType == RecordType.BLOB) {
            if (r.blob() == null)
                throw ServiceError.malformedRecord("Topic " + name + " is BLOB but the record has tuple data.");
            return null;
        }
        if (r.tuple() == null)
            throw ServiceError.malformedRecord("Topic " + name + " is TUPLE but the record has BLOB data.");
        return schema.normalize(r.tuple());
    }

    // ------------------------------------------------------------------ resharding

    synchronized List<ShardSnapshot> split(String shardId, String splitKey) {
        EmulatedShard parent = shard(shardId);
        if (!parent.isActive()) throw ServiceError.shardNotActive();
        BigInteger key = splitKey == null || splitKey.isEmpty()
                ? parent.beginKey.add(parent.endKey).shiftRight(1)
                : HashKeys.parseOrNull(splitKey);
        if (key == null || key.compareTo(parent.beginKey) <= 0 || key.compareTo(parent.endKey) >= 0) {
            throw ServiceError.invalidParameter("The key range is invalid.");
        }
        close(parent);
        long now = clock.millis();
        EmulatedShard left = addShard(parent.beginKey, key, List.of(parent.shardId()));
        EmulatedShard right = addShard(key, parent.endKey, List.of(parent.shardId()));
        faults.onNewShard(left, now);
        faults.onNewShard(right, now);
        return List.of(snapshotOf(left), snapshotOf(right));
    }

    synchronized ShardSnapshot merge(String shardId, String adjacentShardId) {
        EmulatedShard a = shard(shardId);
        EmulatedShard b = shard(adjacentShardId);
        if (!a.isActive() || !b.isActive()) throw ServiceError.shardNotActive();
        EmulatedShard lower;
        EmulatedShard upper;
        if (a.endKey.equals(b.beginKey)) {
            lower = a;
            upper = b;
        } else if (b.endKey.equals(a.beginKey)) {
            lower = b;
            upper = a;
        } else {
            throw ServiceError.invalidParameter("The two shards are not adjacent.");
        }
        close(a);
        close(b);
        EmulatedShard child = addShard(lower.beginKey, upper.endKey, List.of(a.shardId(), b.shardId()));
        faults.onNewShard(child, clock.millis());
        return snapshotOf(child);
    }

    private void close(EmulatedShard s) {
        s.state = ShardState.CLOSED;
        s.closedTimeSeconds = clock.millis() / 1000;
        lastModifySeconds = s.closedTimeSeconds;
    }

    // ------------------------------------------------------------------ expiry

    synchronized int expireBefore(String shardId, long sequence) {
        return shard(shardId).expireBefore(sequence);
    }

    synchronized int expireOlderThan(long systemTimeMillis) {
        int n = 0;
        for (EmulatedShard s : shards.values()) n += s.expireOlderThan(systemTimeMillis);
        return n;
    }

    // ------------------------------------------------------------------ lookup

    private EmulatedShard shard(String shardId) {
        Integer id = parseId(shardId);
        EmulatedShard s = id == null ? null : shards.get(id);
        if (s == null) throw ServiceError.noSuchShard(shardId);
        return s;
    }

    /** A shard addressed by a client call; honours the transient NoSuchShard after a reshard. */
    private EmulatedShard shardForCall(String shardId) {
        EmulatedShard s = shard(shardId);
        if (s.hiddenForCalls > 0) {
            s.hiddenForCalls--;
            throw ServiceError.noSuchShard(shardId);
        }
        if (s.hiddenUntilMillis != 0 && clock.millis() < s.hiddenUntilMillis) {
            throw ServiceError.noSuchShard(shardId);
        }
        return s;
    }

    private static Integer parseId(String shardId) {
        if (shardId == null || shardId.isEmpty() || shardId.length() > 9) return null;
        for (int i = 0; i < shardId.length(); i++) {
            if (!Character.isDigit(shardId.charAt(i))) return null;
        }
        return Integer.parseInt(shardId);
    }
}
