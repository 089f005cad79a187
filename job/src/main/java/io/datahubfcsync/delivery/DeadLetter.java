package io.datahubfcsync.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One undeliverable event on its way to {@code dead-letter.topic}: the event JSON exactly as the
 * function would have received it (BLOBs as base64 if they were not valid UTF-8), and why it is
 * there, as DataHub record attributes so that tools can filter without parsing the payload.
 */
final class DeadLetter {
    /** DataHub limits attribute values; a long function error message is cut to this many characters. */
    static final int MAX_ATTRIBUTE_CHARS = 1024;

    /** The source shard: dead letters of one shard share a partition key, so they stay in order. */
    final String shardId;

    final byte[] event;
    final Map<String, String> attributes;

    private DeadLetter(String shardId, byte[] event, Map<String, String> attributes) {
        this.shardId = shardId;
        this.event = event;
        this.attributes = attributes;
    }

    /**
     * @param reason {@code exhausted} (the function kept failing) or {@code data-error} (the record
     *     cannot be put into an event)
     */
    static DeadLetter of(
            byte[] event,
            String reason,
            String project,
            String topic,
            String shardId,
            long firstSequence,
            long lastSequence,
            int records,
            int attempts,
            String error,
            String requestId,
            long failedAtMs) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("reason", reason);
        a.put("sourceProject", project);
        a.put("sourceTopic", topic);
        a.put("shardId", shardId);
        a.put("firstSequence", Long.toString(firstSequence));
        a.put("lastSequence", Long.toString(lastSequence));
        a.put("records", Integer.toString(records));
        a.put("attempts", Integer.toString(attempts));
        a.put("error", error == null ? "" : cut(error));
        a.put("requestId", requestId == null ? "" : requestId);
        a.put("failedAt", Long.toString(failedAtMs));
        return new DeadLetter(shardId, event, a);
    }

    private static String cut(String s) {
        return s.length() <= MAX_ATTRIBUTE_CHARS ? s : s.substring(0, MAX_ATTRIBUTE_CHARS - 3) + "...";
    }
}
