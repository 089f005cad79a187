package io.datahubfcsync.local.datahub;

import com.aliyun.datahub.client.model.ShardState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DataHub's JSON bodies, as the DataHub Java SDK writes and reads them. Field names are DataHub's
 * PascalCase; the SDK ignores unknown response fields, and unknown request fields (the SDK sends
 * e.g. {@code estimateSize}) are ignored here.
 */
final class JsonWire {
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** DataHub's "no neighbour" shard id. */
    static final String NO_SHARD = "4294967295";

    private JsonWire() {}

    static JsonNode parse(byte[] body) {
        if (body.length == 0) return MAPPER.createObjectNode();
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || !n.isObject())
                throw ServiceError.invalidParameter("The request body must be a JSON object.");
            return n;
        } catch (IOException e) {
            throw ServiceError.invalidParameter("The request body is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    static ObjectNode error(String requestId, String code, String message) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("RequestId", requestId);
        n.put("ErrorCode", code);
        n.put("ErrorMessage", message);
        return n;
    }

    static ObjectNode topic(EmulatedTopic t) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("ShardCount", t.activeShardCount());
        n.put("Lifecycle", t.lifecycleDays);
        n.put("RecordType", t.recordType.name());
        if (t.schema != null)
            n.put("RecordSchema", t.schema.toJson()); // a JSON string holding JSON, as DataHub sends it
        n.put("Comment", t.comment);
        n.put("CreateTime", t.createTimeSeconds);
        n.put("LastModifyTime", t.lastModifySeconds());
        n.put("ExpandMode", t.expandMode);
        n.put("Creator", "datahub-emulator");
        return n;
    }

    static ObjectNode shards(List<ShardSnapshot> shards) {
        // ACTIVE shards by the hash keys they begin and end at, so each shard's neighbours are one
        // lookup away: a topic with a thousand shards is listed every few seconds
        Map<String, String> activeEndingAt = new HashMap<>();
        Map<String, String> activeBeginningAt = new HashMap<>();
        for (ShardSnapshot s : shards) {
            if (s.state() != ShardState.ACTIVE) continue;
            activeEndingAt.putIfAbsent(s.endHashKey(), s.shardId());
            activeBeginningAt.putIfAbsent(s.beginHashKey(), s.shardId());
        }
        ObjectNode n = MAPPER.createObjectNode();
        ArrayNode arr = n.putArray("Shards");
        for (ShardSnapshot s : shards) {
            ObjectNode e = arr.addObject();
            e.put("ShardId", s.shardId());
            e.put("State", s.state().name());
            e.put("ClosedTime", s.closedTimeSeconds());
            e.put("BeginHashKey", s.beginHashKey());
            e.put("EndHashKey", s.endHashKey());
            ArrayNode parents = e.putArray("ParentShardIds");
            s.parentShardIds().forEach(parents::add);
            boolean active = s.state() == ShardState.ACTIVE;
            // CLOSED shards have no neighbours
            e.put("LeftShardId", active ? activeEndingAt.getOrDefault(s.beginHashKey(), NO_SHARD) : NO_SHARD);
            e.put("RightShardId", active ? activeBeginningAt.getOrDefault(s.endHashKey(), NO_SHARD) : NO_SHARD);
        }
        n.put("Protocol", "http1.1");
        n.put("Interval", 300000);
        return n;
    }

    static ObjectNode cursor(EmulatedTopic.CursorAnswer c) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("Cursor", c.cursor());
        n.put("RecordTime", c.recordTime());
        n.put("Sequence", c.sequence());
        return n;
    }

    static ObjectNode records(EmulatedTopic.ReadAnswer a) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("NextCursor", a.nextCursor());
        n.put("RecordCount", a.records().size());
        n.put("StartSeq", a.startSequence());
        n.put("LatestSeq", a.latestSequence());
        n.put("LatestTime", a.latestTime());
        ArrayNode arr = n.putArray("Records"); // must be present even when empty: the SDK NPEs otherwise
        for (int i = 0; i < a.records().size(); i++) {
            StoredRecord r = a.records().get(i);
            ObjectNode e = arr.addObject();
            e.put("SystemTime", r.systemTime());
            e.put("Sequence", r.sequence());
            e.put("Cursor", a.cursors().get(i));
            e.put("NextCursor", a.cursors().get(i + 1));
            if (r.isBlob()) {
                e.put("Data", Base64.getEncoder().encodeToString(r.blobUnsafe()));
            } else {
                ArrayNode data = e.putArray("Data");
                for (String v : r.tuple()) {
                    if (v == null) data.addNull();
                    else data.add(v);
                }
            }
            if (!r.attributes().isEmpty()) {
                ObjectNode attrs = e.putObject("Attributes");
                r.attributes().forEach(attrs::put);
            }
        }
        return n;
    }

    static List<IncomingRecord> putRequest(JsonNode body) {
        JsonNode records = body.get("Records");
        if (records == null || !records.isArray()) {
            throw ServiceError.invalidParameter("Records must be a JSON array.");
        }
        List<IncomingRecord> out = new ArrayList<>(records.size());
        for (JsonNode r : records) {
            String shardId = text(r, "ShardId");
            String hashKey = text(r, "HashKey");
            String partitionKey = text(r, "PartitionKey");
            Map<String, String> attrs = new LinkedHashMap<>();
            JsonNode a = r.get("Attributes");
            if (a != null && a.isObject()) {
                a.fields()
                        .forEachRemaining(f -> attrs.put(
                                f.getKey(),
                                f.getValue().isNull() ? "" : f.getValue().asText()));
            }
            JsonNode data = r.get("Data");
            if (data != null && data.isArray()) {
                List<String> values = new ArrayList<>(data.size());
                for (JsonNode v : data) values.add(v.isNull() ? null : v.asText());
                out.add(IncomingRecord.tuple(shardId, hashKey, partitionKey, attrs, values));
            } else if (data != null && data.isTextual()) {
                try {
                    out.add(IncomingRecord.blob(
                            shardId,
                            hashKey,
                            partitionKey,
                            attrs,
                            Base64.getDecoder().decode(data.asText())));
                } catch (IllegalArgumentException e) {
                    out.add(IncomingRecord.malformed(shardId, hashKey, partitionKey, "BLOB Data is not valid base64."));
                }
            } else {
                out.add(IncomingRecord.malformed(
                        shardId, hashKey, partitionKey, "Data must be an array (TUPLE) or a base64 string (BLOB)."));
            }
        }
        return out;
    }

    static ObjectNode putResult(List<EmulatedTopic.PutFailure> failures) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("FailedRecordCount", failures.size());
        ArrayNode arr = n.putArray("FailedRecords");
        for (EmulatedTopic.PutFailure f : failures) {
            ObjectNode e = arr.addObject();
            e.put("Index", f.index());
            e.put("ErrorCode", f.errorCode());
            e.put("ErrorMessage", f.errorMessage());
        }
        return n;
    }

    static ObjectNode split(List<ShardSnapshot> children) {
        ObjectNode n = MAPPER.createObjectNode();
        ArrayNode arr = n.putArray("NewShards");
        for (ShardSnapshot s : children) putShardRange(arr.addObject(), s);
        return n;
    }

    static ObjectNode merge(ShardSnapshot child) {
        return putShardRange(MAPPER.createObjectNode(), child);
    }

    /** A new shard as split and merge answer it: its id and hash key range. */
    private static ObjectNode putShardRange(ObjectNode n, ShardSnapshot s) {
        n.put("ShardId", s.shardId());
        n.put("BeginHashKey", s.beginHashKey());
        n.put("EndHashKey", s.endHashKey());
        return n;
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static Long longValue(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.canConvertToLong()) {
            if (v.isTextual()) {
                try {
                    return Long.parseLong(v.asText());
                } catch (NumberFormatException e) {
                    // fall through to the error below
                }
            }
            throw ServiceError.invalidParameter(field + " must be a number, was " + v);
        }
        return v.asLong();
    }

    private static String firstLine(String message) {
        if (message == null) return "";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
