package io.datahubfcsync.local.datahub;

import com.aliyun.datahub.client.model.CursorType;
import com.aliyun.datahub.client.model.protobuf.DatahubProtos;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers DataHub API requests: counts the call, applies injected latency, verifies the signature,
 * applies injected faults, then dispatches by action. Errors go out as DataHub does them:
 * {@code Content-Type: application/json} exactly (the SDK parses nothing else) and
 * {@code {"RequestId","ErrorCode","ErrorMessage"}}.
 */
final class DataHubHttpHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DataHubHttpHandler.class);
    private static final String JSON = "application/json";
    private static final String PROTOBUF = "application/x-protobuf";
    private static final AtomicLong REQUEST_IDS = new AtomicLong();

    private record Reply(String contentType, byte[] body) {
        static Reply json(JsonNode n) {
            return new Reply(JSON, JsonWire.bytes(n));
        }

        static Reply empty() {
            return new Reply(JSON, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private final DataHubStore store;
    private final AcceptedCredentials credentials;
    private final DataHubFaults faults;
    private final CallCounts counts;

    DataHubHttpHandler(DataHubStore store, AcceptedCredentials credentials, DataHubFaults faults, CallCounts counts) {
        this.store = store;
        this.credentials = credentials;
        this.faults = faults;
        this.counts = counts;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String requestId =
                String.format(Locale.ROOT, "%d%08x", System.currentTimeMillis(), REQUEST_IDS.incrementAndGet());
        WireRequest req;
        try {
            req = WireRequest.read(ex);
        } catch (IOException e) {
            ex.close();
            return;
        }
        try {
            counts.increment(req.action);
            long delay = faults.latencyMillis(req.action);
            if (delay > 0) Thread.sleep(delay);
            credentials.verify(req.method, req.headers, req.rawPath, req.query);
            if (req.headers.containsKey("content-encoding")) {
                throw ServiceError.invalidParameter("Compressed request bodies are not supported by the emulator: "
                        + "use HttpConfig CompressType.NONE.");
            }
            DataHubFault fault = faults.take(req.action);
            if (fault == DataHubFault.DROP_CONNECTION) {
                // Closing an exchange before sending headers closes the socket: the client gets no response.
                ex.close();
                return;
            }
            if (fault == DataHubFault.LIMIT_EXCEEDED) {
                throw ServiceError.limitExceeded("The request rate limit was exceeded (injected fault).");
            }
            if (fault == DataHubFault.INTERNAL_SERVER_ERROR) {
                throw ServiceError.internal("Service internal error (injected fault).");
            }
            Reply reply = dispatch(req);
            send(ex, 200, reply.contentType(), reply.body(), requestId);
        } catch (ServiceError e) {
            send(
                    ex,
                    e.httpStatus,
                    JSON,
                    JsonWire.bytes(JsonWire.error(requestId, e.errorCode, e.getMessage())),
                    requestId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.close();
        } catch (RuntimeException e) {
            LOG.warn("DataHub emulator failed on {}", req.describe(), e);
            send(
                    ex,
                    500,
                    JSON,
                    JsonWire.bytes(JsonWire.error(requestId, "InternalServerError", "Emulator error: " + e)),
                    requestId);
        }
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body, String requestId)
            throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("x-datahub-request-id", requestId);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    private Reply dispatch(WireRequest req) {
        switch (req.action) {
            case LIST_PROJECT: {
                ObjectNode n = JsonWire.MAPPER.createObjectNode();
                ArrayNode names = n.putArray("ProjectNames");
                store.projectNames().forEach(names::add);
                return Reply.json(n);
            }
            case GET_PROJECT: {
                DataHubStore.Project p = store.project(req.project);
                ObjectNode n = JsonWire.MAPPER.createObjectNode();
                n.put("CreateTime", p.createTimeSeconds);
                n.put("LastModifyTime", p.createTimeSeconds);
                n.put("Comment", p.comment);
                n.put("Creator", "datahub-emulator");
                return Reply.json(n);
            }
            case CREATE_PROJECT:
                store.createProject(req.project, JsonWire.text(req.json(), "Comment"));
                return Reply.empty();
            case DELETE_PROJECT:
                store.deleteProject(req.project);
                return Reply.empty();
            case LIST_TOPIC: {
                ObjectNode n = JsonWire.MAPPER.createObjectNode();
                ArrayNode names = n.putArray("TopicNames");
                store.project(req.project).topics.keySet().forEach(names::add);
                return Reply.json(n);
            }
            case GET_TOPIC:
                return Reply.json(JsonWire.topic(store.topic(req.project, req.topic)));
            case CREATE_TOPIC:
                createTopic(req);
                return Reply.empty();
            case DELETE_TOPIC:
                store.deleteTopic(req.project, req.topic);
                return Reply.empty();
            case LIST_SHARD:
                return Reply.json(
                        JsonWire.shards(store.topic(req.project, req.topic).snapshot()));
            case GET_CURSOR:
                return Reply.json(JsonWire.cursor(cursor(req)));
            case GET_RECORDS:
                return getRecords(req);
            case PUT_RECORDS:
                return putRecords(req);
            case PUT_RECORDS_BY_SHARD: {
                EmulatedTopic t = store.topic(req.project, req.topic);
                List<IncomingRecord> records = req.protobuf
                        ? ProtobufWire.putRequest(ProtobufWire.unframe(req.body), t.recordType)
                        : JsonWire.putRequest(req.json());
                t.putToShard(req.shard, records);
                // The SDK ignores this body; an empty 200 is all it needs.
                return new Reply(JSON, new byte[0]);
            }
            case SPLIT_SHARD: {
                JsonNode body = req.json();
                String shardId = requireText(body, "ShardId");
                return Reply.json(JsonWire.split(
                        store.topic(req.project, req.topic).split(shardId, JsonWire.text(body, "SplitKey"))));
            }
            case MERGE_SHARD: {
                JsonNode body = req.json();
                return Reply.json(JsonWire.merge(store.topic(req.project, req.topic)
                        .merge(requireText(body, "ShardId"), requireText(body, "AdjacentShardId"))));
            }
            case CREATE_SUBSCRIPTION: {
                EmulatedSubscription sub = store.subscriptions.create(
                        store.topic(req.project, req.topic), JsonWire.text(req.json(), "Comment"));
                ObjectNode n = JsonWire.MAPPER.createObjectNode();
                n.put("SubId", sub.subId);
                return Reply.json(n);
            }
            case GET_SUBSCRIPTION:
                return Reply.json(
                        subscriptionEntry(req.topic, store.subscription(req.project, req.topic, req.subscription)));
            case LIST_SUBSCRIPTION: {
                List<EmulatedSubscription> all = store.subscriptions.list(store.topic(req.project, req.topic));
                Long pageIndex = JsonWire.longValue(req.json(), "PageIndex");
                Long pageSize = JsonWire.longValue(req.json(), "PageSize");
                if (pageIndex == null || pageIndex < 1 || pageSize == null || pageSize < 1) {
                    throw ServiceError.invalidParameter("PageIndex and PageSize must be positive.");
                }
                ObjectNode n = JsonWire.MAPPER.createObjectNode();
                n.put("TotalCount", all.size());
                ArrayNode list = n.putArray("Subscriptions");
                all.stream()
                        .skip((pageIndex - 1) * pageSize)
                        .limit(pageSize)
                        .forEach(sub -> list.add(subscriptionEntry(req.topic, sub)));
                return Reply.json(n);
            }
            case UPDATE_SUBSCRIPTION: {
                EmulatedSubscription sub = store.subscription(req.project, req.topic, req.subscription);
                Long state = JsonWire.longValue(req.json(), "State");
                if (state != null) sub.setOnline(state == 1, store.subscriptions.nowSeconds());
                return Reply.empty();
            }
            case OPEN_SUBSCRIPTION_SESSION:
                return Reply.json(offsets(store.subscription(req.project, req.topic, req.subscription)
                        .open(shardIds(req))));
            case GET_SUBSCRIPTION_OFFSET:
                return Reply.json(offsets(store.subscription(req.project, req.topic, req.subscription)
                        .get(shardIds(req))));
            case COMMIT_SUBSCRIPTION_OFFSET: {
                EmulatedSubscription sub = store.subscription(req.project, req.topic, req.subscription);
                java.util.Map<String, EmulatedSubscription.Offset> committed = new java.util.TreeMap<>();
                req.json().path("Offsets").fields().forEachRemaining(e -> {
                    JsonNode o = e.getValue();
                    committed.put(
                            e.getKey(),
                            new EmulatedSubscription.Offset(
                                    o.path("Sequence").asLong(-1),
                                    o.path("Timestamp").asLong(-1),
                                    o.path("BatchIndex").asInt(0),
                                    o.path("Version").asLong(-1),
                                    o.path("SessionId").asLong(-1)));
                });
                sub.commit(committed);
                return Reply.empty();
            }
            case UNSUPPORTED:
            default:
                String ct = req.headers.getOrDefault("content-type", "");
                if (ct.startsWith("application/x-binary")) {
                    throw ServiceError.invalidParameter("The batch (application/x-binary) protocol is not supported by "
                            + "the emulator: do not enable batch mode or the schema registry.");
                }
                req.json(); // a body that is not JSON is reported as such
                throw ServiceError.invalidParameter("The emulator does not support " + req.describe()
                        + (req.protobuf ? "" : " with Action " + JsonWire.text(req.json(), "Action")) + ".");
        }
    }

    /** A subscription as getSubscription and listSubscription return it; State 1 is ONLINE, 0 OFFLINE. */
    private static ObjectNode subscriptionEntry(String topic, EmulatedSubscription sub) {
        ObjectNode n = JsonWire.MAPPER.createObjectNode();
        n.put("SubId", sub.subId);
        n.put("TopicName", topic);
        n.put("Comment", sub.comment);
        n.put("Creator", "datahub-emulator");
        n.put("IsOwner", true);
        n.put("Type", 0);
        n.put("State", sub.online() ? 1 : 0);
        n.put("CreateTime", sub.createTimeSeconds);
        n.put("LastModifyTime", sub.lastModifyTimeSeconds());
        return n;
    }

    private static List<String> shardIds(WireRequest req) {
        JsonNode ids = req.json().path("ShardIds");
        if (!ids.isArray() || ids.isEmpty()) throw ServiceError.invalidParameter("ShardIds is required.");
        List<String> out = new java.util.ArrayList<>();
        ids.forEach(id -> out.add(id.asText()));
        return out;
    }

    private static ObjectNode offsets(java.util.Map<String, EmulatedSubscription.Offset> offsets) {
        ObjectNode n = JsonWire.MAPPER.createObjectNode();
        ObjectNode all = n.putObject("Offsets");
        offsets.forEach((shard, o) -> {
            ObjectNode e = all.putObject(shard);
            e.put("Sequence", o.sequence());
            e.put("Timestamp", o.timestamp());
            e.put("BatchIndex", o.batchIndex());
            e.put("Version", o.version());
            e.put("SessionId", String.valueOf(o.sessionId()));
        });
        return n;
    }

    private void createTopic(WireRequest req) {
        JsonNode b = req.json();
        String type = JsonWire.text(b, "RecordType");
        TopicSchema schema;
        if ("TUPLE".equalsIgnoreCase(type)) {
            String schemaJson = JsonWire.text(b, "RecordSchema");
            if (schemaJson == null || schemaJson.isEmpty()) {
                throw ServiceError.invalidParameter("A TUPLE topic needs a RecordSchema.");
            }
            schema = TopicSchema.parse(schemaJson);
        } else if ("BLOB".equalsIgnoreCase(type)) {
            schema = null;
        } else {
            throw ServiceError.invalidParameter("RecordType must be TUPLE or BLOB, was " + type + ".");
        }
        Long shards = JsonWire.longValue(b, "ShardCount");
        Long lifecycle = JsonWire.longValue(b, "Lifecycle");
        store.createTopic(
                req.project,
                req.topic,
                shards == null ? 1 : shards.intValue(),
                lifecycle == null ? 1 : lifecycle.intValue(),
                schema,
                JsonWire.text(b, "Comment"),
                JsonWire.text(b, "ExpandMode"));
    }

    private EmulatedTopic.CursorAnswer cursor(WireRequest req) {
        EmulatedTopic t = store.topic(req.project, req.topic);
        JsonNode b = req.json();
        String typeName = requireText(b, "Type");
        CursorType type;
        try {
            type = CursorType.valueOf(typeName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ServiceError.invalidParameter("Unknown cursor Type '" + typeName + "'.");
        }
        Long parameter = type == CursorType.SEQUENCE
                ? JsonWire.longValue(b, "Sequence")
                : type == CursorType.SYSTEM_TIME ? JsonWire.longValue(b, "SystemTime") : null;
        return t.cursor(req.shard, type, parameter);
    }

    private Reply getRecords(WireRequest req) {
        EmulatedTopic t = store.topic(req.project, req.topic);
        if (req.protobuf) {
            DatahubProtos.GetRecordsRequest pb = ProtobufWire.getRecordsRequest(ProtobufWire.unframe(req.body));
            return new Reply(PROTOBUF, ProtobufWire.records(t.read(req.shard, pb.getCursor(), pb.getLimit())));
        }
        JsonNode b = req.json();
        Long limit = JsonWire.longValue(b, "Limit");
        EmulatedTopic.ReadAnswer answer = t.read(
                req.shard, requireText(b, "Cursor"), limit == null ? 1 : (int) Math.min(Integer.MAX_VALUE, limit));
        return Reply.json(JsonWire.records(answer));
    }

    private Reply putRecords(WireRequest req) {
        EmulatedTopic t = store.topic(req.project, req.topic);
        if (req.protobuf) {
            List<IncomingRecord> records = ProtobufWire.putRequest(ProtobufWire.unframe(req.body), t.recordType);
            return new Reply(PROTOBUF, ProtobufWire.putResult(t.put(records)));
        }
        return Reply.json(JsonWire.putResult(t.put(JsonWire.putRequest(req.json()))));
    }

    private static String requireText(JsonNode body, String field) {
        String v = JsonWire.text(body, field);
        if (v == null || v.isEmpty()) throw ServiceError.invalidParameter(field + " is required.");
        return v;
    }
}
