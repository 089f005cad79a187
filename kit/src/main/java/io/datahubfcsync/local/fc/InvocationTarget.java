package io.datahubfcsync.local.fc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/** The call a fault is matched against; the event's record ids are parsed only if a fault asks. */
final class InvocationTarget {
    private static final JsonFactory JSON = new JsonFactory();

    private final String service;
    private final String function;
    private final byte[] payload;
    private Set<String> eventIds;

    InvocationTarget(String service, String function, byte[] payload) {
        this.service = service;
        this.function = function;
        this.payload = payload;
    }

    String service() {
        return service;
    }

    String function() {
        return function;
    }

    /** Every {@code eventId} string value in the payload (any depth); empty if it is not JSON. */
    synchronized Set<String> eventIds() {
        if (eventIds == null) eventIds = parseEventIds(payload);
        return eventIds;
    }

    static Set<String> parseEventIds(byte[] payload) {
        Set<String> ids = new HashSet<>();
        try (JsonParser p = JSON.createParser(payload)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME
                        && "eventId".equals(p.currentName())
                        && p.nextToken() == JsonToken.VALUE_STRING) {
                    ids.add(p.getText());
                }
            }
        } catch (IOException e) {
            // not an event: no ids, so eventId faults do not match
        }
        return ids;
    }
}
