package io.datahubfcsync.local.datahub;

import java.util.Map;
import java.util.TreeMap;

/**
 * One subscription of a topic, as DataHub keeps it: ONLINE or OFFLINE, and per shard a committed
 * offset (sequence, timestamp, batch index) with a version that a reset raises and a session id
 * that each open raises. A commit must carry the shard's current session id (an older one means a
 * newer session took over) and version (an older one means the offset was reset meanwhile).
 * Guarded by its own monitor.
 */
final class EmulatedSubscription {
    /** A shard's offset as the wire carries it. */
    record Offset(long sequence, long timestamp, int batchIndex, long version, long sessionId) {}

    final String subId;
    final String comment;
    final long createTimeSeconds;
    private boolean online = true;
    private long lastModifyTimeSeconds;
    private final Map<String, Offset> offsets = new TreeMap<>();

    EmulatedSubscription(String subId, String comment, long createTimeSeconds) {
        this.subId = subId;
        this.comment = comment == null ? "" : comment;
        this.createTimeSeconds = createTimeSeconds;
        this.lastModifyTimeSeconds = createTimeSeconds;
    }

    synchronized boolean online() {
        return online;
    }

    synchronized long lastModifyTimeSeconds() {
        return lastModifyTimeSeconds;
    }

    synchronized void setOnline(boolean online, long nowSeconds) {
        this.online = online;
        this.lastModifyTimeSeconds = nowSeconds;
    }

    /** Opens a session on each shard: a new session id per shard, the offsets as committed so far. */
    synchronized Map<String, Offset> open(Iterable<String> shardIds) {
        requireOnline();
        Map<String, Offset> opened = new TreeMap<>();
        for (String shard : shardIds) {
            Offset o = offsets.getOrDefault(shard, new Offset(-1, -1, 0, 0, 0));
            Offset next = new Offset(o.sequence, o.timestamp, o.batchIndex, o.version, o.sessionId + 1);
            offsets.put(shard, next);
            opened.put(shard, next);
        }
        return opened;
    }

    /** The committed offsets, without opening a session. */
    synchronized Map<String, Offset> get(Iterable<String> shardIds) {
        Map<String, Offset> got = new TreeMap<>();
        for (String shard : shardIds) got.put(shard, offsets.getOrDefault(shard, new Offset(-1, -1, 0, 0, 0)));
        return got;
    }

    synchronized void commit(Map<String, Offset> committed) {
        requireOnline();
        for (Map.Entry<String, Offset> e : committed.entrySet()) {
            Offset current = offsets.get(e.getKey());
            if (current == null || current.sessionId == 0) {
                throw new ServiceError(
                        400,
                        "OffsetSessionClosed",
                        "No session is open on shard " + e.getKey() + " of subscription " + subId + ".");
            }
            if (e.getValue().sessionId != current.sessionId) {
                throw new ServiceError(
                        400,
                        "OffsetSessionChanged",
                        "The session of shard " + e.getKey() + " of subscription " + subId
                                + " was taken over by a newer one.");
            }
            if (e.getValue().version != current.version) {
                throw new ServiceError(
                        400,
                        "OffsetReseted",
                        "The offset of shard " + e.getKey() + " of subscription " + subId + " was reset.");
            }
        }
        for (Map.Entry<String, Offset> e : committed.entrySet()) {
            Offset current = offsets.get(e.getKey());
            Offset c = e.getValue();
            offsets.put(
                    e.getKey(), new Offset(c.sequence, c.timestamp, c.batchIndex, current.version, current.sessionId));
        }
    }

    /** What the console's "reset offset" does: a new position and a new version, so older commits are refused. */
    synchronized void reset(String shardId, long sequence, long timestamp) {
        Offset current = offsets.getOrDefault(shardId, new Offset(-1, -1, 0, 0, 0));
        offsets.put(shardId, new Offset(sequence, timestamp, 0, current.version + 1, current.sessionId));
    }

    private void requireOnline() {
        if (!online) {
            throw new ServiceError(400, "SubscriptionOffline", "The subscription " + subId + " is offline.");
        }
    }
}
