package io.datahubfcsync.local.datahub;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the dispatcher needs it: method, path parts, headers (lower-case name →
 * first value) and the body, plus which {@link DataHubAction} it is.
 */
final class WireRequest {
    final String method;
    final String rawPath;
    final String query;
    final Map<String, String> headers;
    final byte[] body;
    final String project;
    final String topic;
    final String shard;
    /** {@code /projects/{p}/topics/{t}/shards} (the collection, not one shard). */
    final boolean shardCollection;

    final boolean topicCollection;
    /** {@code /projects/{p}/topics/{t}/subscriptions}. */
    final boolean subscriptionCollection;
    /** The id in {@code /subscriptions/{id}} or {@code /subscriptions/{id}/offsets}, else null. */
    final String subscription;
    /** {@code /subscriptions/{id}/offsets}. */
    final boolean subscriptionOffsets;

    final boolean protobuf;
    private JsonNode json;
    final DataHubAction action;

    private WireRequest(String method, String rawPath, String query, Map<String, String> headers, byte[] body) {
        this.method = method;
        this.rawPath = rawPath;
        this.query = query;
        this.headers = headers;
        this.body = body;
        String contentType = headers.getOrDefault("content-type", "");
        this.protobuf = contentType.toLowerCase(Locale.ROOT).startsWith("application/x-protobuf");
        String[] parts = rawPath.startsWith("/") ? rawPath.substring(1).split("/", -1) : rawPath.split("/", -1);
        boolean projects = parts.length >= 1 && parts[0].equals("projects");
        this.project = projects && parts.length >= 2 ? parts[1] : null;
        this.topicCollection = projects && parts.length == 3 && parts[2].equals("topics");
        boolean topicPath = projects && parts.length >= 4 && parts[2].equals("topics");
        this.topic = topicPath ? parts[3] : null;
        this.shardCollection = topicPath && parts.length == 5 && parts[4].equals("shards");
        this.shard = topicPath && parts.length == 6 && parts[4].equals("shards") ? parts[5] : null;
        this.subscriptionCollection = topicPath && parts.length == 5 && parts[4].equals("subscriptions");
        boolean subscriptionPath = topicPath && parts.length >= 6 && parts[4].equals("subscriptions");
        this.subscription = subscriptionPath && (parts.length == 6 || parts.length == 7) ? parts[5] : null;
        this.subscriptionOffsets = subscription != null && parts.length == 7 && parts[6].equals("offsets");
        boolean wellFormed = projects
                && (parts.length <= 2
                        || topicCollection
                        || (topicPath && parts.length == 4)
                        || shardCollection
                        || shard != null
                        || subscriptionCollection
                        || (subscription != null && (parts.length == 6 || subscriptionOffsets)));
        this.action = wellFormed ? classify() : DataHubAction.UNSUPPORTED;
    }

    static WireRequest read(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, String> headers = new HashMap<>();
        for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
            if (!h.getValue().isEmpty())
                headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().get(0));
        }
        return new WireRequest(
                ex.getRequestMethod().toUpperCase(Locale.ROOT),
                ex.getRequestURI().getRawPath(),
                ex.getRequestURI().getQuery(),
                headers,
                body);
    }

    /** The JSON body (an empty object when there is none); InvalidParameter when it is not JSON. */
    JsonNode json() {
        if (json == null) json = JsonWire.parse(body);
        return json;
    }

    private String jsonAction() {
        try {
            return JsonWire.text(json(), "Action");
        } catch (ServiceError e) {
            return null; // reported when the handler reads the body
        }
    }

    private DataHubAction classify() {
        if (protobuf) {
            String a = headers.get("x-datahub-request-action");
            if ("sub".equals(a) && shard != null) return DataHubAction.GET_RECORDS;
            if ("pub".equals(a) && shard != null) return DataHubAction.PUT_RECORDS_BY_SHARD;
            if ("pub".equals(a) && shardCollection) return DataHubAction.PUT_RECORDS;
            return DataHubAction.UNSUPPORTED;
        }
        if (subscriptionCollection || subscription != null) return classifySubscription();
        switch (method) {
            case "GET":
                if (project == null) return DataHubAction.LIST_PROJECT;
                if (topicCollection) return DataHubAction.LIST_TOPIC;
                if (shardCollection) return DataHubAction.LIST_SHARD;
                if (topic == null) return DataHubAction.GET_PROJECT;
                if (shard == null) return DataHubAction.GET_TOPIC;
                return DataHubAction.UNSUPPORTED;
            case "DELETE":
                if (project != null && topic == null && !topicCollection) return DataHubAction.DELETE_PROJECT;
                if (topic != null && shard == null && !shardCollection) return DataHubAction.DELETE_TOPIC;
                return DataHubAction.UNSUPPORTED;
            case "POST":
                if (project != null && topic == null && !topicCollection) return DataHubAction.CREATE_PROJECT;
                String action = jsonAction();
                if (topic != null && shard == null && !shardCollection) {
                    return "create".equals(action) ? DataHubAction.CREATE_TOPIC : DataHubAction.UNSUPPORTED;
                }
                if (shardCollection) {
                    if ("pub".equals(action)) return DataHubAction.PUT_RECORDS;
                    if ("split".equals(action)) return DataHubAction.SPLIT_SHARD;
                    if ("merge".equals(action)) return DataHubAction.MERGE_SHARD;
                    return DataHubAction.UNSUPPORTED;
                }
                if (shard != null) {
                    if ("cursor".equals(action)) return DataHubAction.GET_CURSOR;
                    if ("sub".equals(action)) return DataHubAction.GET_RECORDS;
                    if ("pub".equals(action)) return DataHubAction.PUT_RECORDS_BY_SHARD;
                }
                return DataHubAction.UNSUPPORTED;
            default:
                return DataHubAction.UNSUPPORTED;
        }
    }

    private DataHubAction classifySubscription() {
        String action = "GET".equals(method) ? null : jsonAction();
        if (subscriptionCollection) {
            if (!"POST".equals(method)) return DataHubAction.UNSUPPORTED;
            if ("create".equals(action)) return DataHubAction.CREATE_SUBSCRIPTION;
            if ("list".equals(action)) return DataHubAction.LIST_SUBSCRIPTION;
            return DataHubAction.UNSUPPORTED;
        }
        if (!subscriptionOffsets) {
            if ("GET".equals(method)) return DataHubAction.GET_SUBSCRIPTION;
            if ("PUT".equals(method)) return DataHubAction.UPDATE_SUBSCRIPTION;
            return DataHubAction.UNSUPPORTED;
        }
        if ("POST".equals(method) && "open".equals(action)) return DataHubAction.OPEN_SUBSCRIPTION_SESSION;
        if ("POST".equals(method) && "get".equals(action)) return DataHubAction.GET_SUBSCRIPTION_OFFSET;
        if ("PUT".equals(method) && "commit".equals(action)) return DataHubAction.COMMIT_SUBSCRIPTION_OFFSET;
        return DataHubAction.UNSUPPORTED;
    }

    /** For messages: what was asked, without headers (they hold the signature). */
    String describe() {
        return method + " " + rawPath + (protobuf ? " [protobuf " + headers.get("x-datahub-request-action") + "]" : "");
    }
}
