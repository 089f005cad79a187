package io.datahubfcsync.local.datahub;

import java.util.List;
import java.util.Map;

/**
 * A record as a writer sent it, before routing and validation. Exactly one of {@code blob} and
 * {@code tuple} is set, unless the wire decoder already found it malformed ({@code malformed} says why).
 */
record IncomingRecord(
        String shardId,
        String hashKey,
        String partitionKey,
        Map<String, String> attributes,
        byte[] blob,
        List<String> tuple,
        String malformed) {

    static IncomingRecord blob(
            String shardId, String hashKey, String partitionKey, Map<String, String> attributes, byte[] data) {
        return new IncomingRecord(shardId, hashKey, partitionKey, attributes, data, null, null);
    }

    static IncomingRecord tuple(
            String shardId, String hashKey, String partitionKey, Map<String, String> attributes, List<String> values) {
        return new IncomingRecord(shardId, hashKey, partitionKey, attributes, null, values, null);
    }

    static IncomingRecord malformed(String shardId, String hashKey, String partitionKey, String why) {
        return new IncomingRecord(shardId, hashKey, partitionKey, Map.of(), null, null, why);
    }
}
