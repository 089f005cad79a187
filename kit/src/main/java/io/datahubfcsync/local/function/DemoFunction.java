package io.datahubfcsync.local.function;

import com.aliyun.fc.runtime.Context;
import com.aliyun.fc.runtime.StreamRequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sample FC Java function of the local demo: what a user's function for DataHub events looks
 * like, and a live check of the job's delivery contract.
 *
 * <p>For every event it reads the records' {@code eventId}s ({@code shardId:sequence}) and checks,
 * per shard, that sequences arrive in increasing order: a batch that starts at or before the last
 * sequence seen is a <em>replay</em> (expected after a failover: delivery is at-least-once), a jump
 * forward is a <em>gap</em>, and a sequence that does not increase within one batch is a
 * <em>reorder</em>. Gaps and reorders are logged as warnings. It answers with a small JSON summary
 * of the batch, and {@link #summary()} gives the per-shard totals the local runner prints.
 */
public class DemoFunction implements StreamRequestHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ShardProgress> shards = new ConcurrentHashMap<>();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input);
        JsonNode records = event == null ? null : event.get("records");
        if (records == null || !records.isArray()) {
            throw new IllegalArgumentException("not a DataHub event: no \"records\" array");
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("records", records.size());
        String previousShard = null;
        long previousSequence = -1;
        for (JsonNode record : records) {
            String eventId = record.path("eventId").asText(null);
            int colon = eventId == null ? -1 : eventId.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("record without a valid eventId: " + record);
            String shard = eventId.substring(0, colon);
            long sequence = Long.parseLong(eventId.substring(colon + 1));
            ShardProgress progress = shards.computeIfAbsent(shard, s -> new ShardProgress());
            boolean firstOfShardInBatch = !shard.equals(previousShard);
            String anomaly = progress.accept(
                    sequence,
                    record.path("systemTime").asLong(-1),
                    firstOfShardInBatch,
                    firstOfShardInBatch ? -1 : previousSequence);
            if (anomaly != null) context.getLogger().warn("shard " + shard + ": " + anomaly);
            previousShard = shard;
            previousSequence = sequence;
        }
        if (records.size() > 0) {
            answer.put("first", records.get(0).path("eventId").asText());
            answer.put("last", records.get(records.size() - 1).path("eventId").asText());
        }
        output.write(JSON.writeValueAsBytes(answer));
    }

    /** Per-shard totals so far, by shard id. */
    public Map<String, ShardSummary> summary() {
        Map<String, ShardSummary> out = new TreeMap<>();
        shards.forEach((shard, p) -> out.put(shard, p.snapshot()));
        return out;
    }

    /** One line for the local runner, e.g. {@code 0: 120 (last 0:119) | 1: 98 (last 1:97) | gaps 0, reorders 0, replays 0}. */
    public String summaryLine() {
        StringBuilder sb = new StringBuilder();
        long gaps = 0, reorders = 0, replays = 0;
        for (Map.Entry<String, ShardSummary> e : summary().entrySet()) {
            ShardSummary s = e.getValue();
            sb.append(e.getKey())
                    .append(": ")
                    .append(s.records())
                    .append(" (last ")
                    .append(e.getKey())
                    .append(':')
                    .append(s.lastSequence())
                    .append(") | ");
            gaps += s.gaps();
            reorders += s.reorders();
            replays += s.replayedRecords();
        }
        return sb.append("gaps ")
                .append(gaps)
                .append(", reorders ")
                .append(reorders)
                .append(", replayed records ")
                .append(replays)
                .toString();
    }

    /** Totals of one shard. {@code replayedRecords}: records received again after a replay. */
    public record ShardSummary(
            long records, long lastSequence, long lastSystemTime, long gaps, long reorders, long replayedRecords) {}

    private static final class ShardProgress {
        private long records;
        private long lastSequence = -1;
        private long lastSystemTime = -1;
        private long gaps;
        private long reorders;
        private long replayed;

        synchronized String accept(long sequence, long systemTime, boolean startsBatch, long previousInBatch) {
            records++;
            String anomaly = null;
            if (!startsBatch && sequence <= previousInBatch) {
                reorders++;
                anomaly = "reorder: sequence " + sequence + " after " + previousInBatch + " in one event";
            } else if (lastSequence >= 0 && sequence <= lastSequence) {
                replayed++; // at-least-once: a batch re-sent after a failover
            } else if (lastSequence >= 0 && sequence > lastSequence + 1) {
                gaps++;
                anomaly = "gap: sequence " + sequence + " follows " + lastSequence;
            }
            if (sequence > lastSequence) {
                lastSequence = sequence;
                lastSystemTime = systemTime;
            }
            return anomaly;
        }

        synchronized ShardSummary snapshot() {
            return new ShardSummary(records, lastSequence, lastSystemTime, gaps, reorders, replayed);
        }
    }
}
