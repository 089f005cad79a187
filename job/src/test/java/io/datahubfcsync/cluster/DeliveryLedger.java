package io.datahubfcsync.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.local.datahub.DataHubEmulator;
import io.datahubfcsync.local.datahub.ShardSnapshot;
import io.datahubfcsync.local.datahub.StoredRecord;
import io.datahubfcsync.local.fc.InvocationRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares what was produced into DataHub with what the FC emulator received, against the delivery claim:
 * every produced record delivered at least once; per shard, first deliveries in sequence order; every repeat
 * counted, never hidden.
 */
final class DeliveryLedger {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeliveryLedger() {}

    /** Per shard of the topic, the sequences DataHub holds, for {@link #reconcile}. */
    static Map<String, List<Long>> produced(DataHubEmulator datahub, String project, String topic) {
        Map<String, List<Long>> produced = new LinkedHashMap<>();
        for (ShardSnapshot shard : datahub.shards(project, topic)) {
            produced.put(
                    shard.shardId(),
                    datahub.records(project, topic, shard.shardId()).stream()
                            .map(StoredRecord::sequence)
                            .toList());
        }
        return produced;
    }

    /**
     * @param produced per shard, the sequences DataHub holds
     * @param invocations everything the FC emulator received, any order
     */
    static Report reconcile(Map<String, List<Long>> produced, List<InvocationRecord> invocations) {
        List<InvocationRecord> successful = new ArrayList<>();
        for (InvocationRecord invocation : invocations) {
            if (invocation.outcome() == InvocationRecord.Outcome.SUCCESS) {
                successful.add(invocation);
            }
        }
        successful.sort(Comparator.comparing(InvocationRecord::received).thenComparingLong(InvocationRecord::index));

        Map<String, Set<Long>> seen = new TreeMap<>();
        Map<String, Long> lastFirstDelivery = new TreeMap<>();
        List<String> orderViolations = new ArrayList<>();
        long deliveries = 0;
        long duplicates = 0;
        List<String> repeated = new ArrayList<>();
        for (InvocationRecord invocation : successful) {
            for (JsonNode record : parse(invocation).path("records")) {
                String eventId = record.path("eventId").asText();
                int colon = eventId.lastIndexOf(':');
                String shard = eventId.substring(0, colon);
                long sequence = Long.parseLong(eventId.substring(colon + 1));
                deliveries++;
                if (!seen.computeIfAbsent(shard, s -> new HashSet<>()).add(sequence)) {
                    duplicates++;
                    if (repeated.size() < 20) {
                        repeated.add(eventId + " (invocation #" + invocation.index() + ")");
                    }
                    continue;
                }
                Long previous = lastFirstDelivery.put(shard, sequence);
                if (previous != null && sequence < previous) {
                    orderViolations.add(shard + ":" + sequence + " first delivered after " + shard + ":" + previous);
                }
            }
        }
        Map<String, List<Long>> missing = new LinkedHashMap<>();
        long producedCount = 0;
        for (Map.Entry<String, List<Long>> shard : produced.entrySet()) {
            producedCount += shard.getValue().size();
            Set<Long> delivered = seen.getOrDefault(shard.getKey(), Set.of());
            List<Long> absent = shard.getValue().stream()
                    .filter(s -> !delivered.contains(s))
                    .toList();
            if (!absent.isEmpty()) {
                missing.put(shard.getKey(), absent);
            }
        }
        return new Report(
                producedCount,
                deliveries,
                duplicates,
                repeated,
                missing,
                orderViolations,
                invocations.size() - successful.size());
    }

    private static JsonNode parse(InvocationRecord invocation) {
        try {
            return JSON.readTree(invocation.payload());
        } catch (IOException e) {
            throw new UncheckedIOException("invocation #" + invocation.index() + " carries no JSON event", e);
        }
    }

    /**
     * @param deliveries records in successful invocations, repeats included
     * @param repeatedExamples the first repeated event ids, with the invocation that repeated them
     * @param missing per shard, produced sequences never delivered
     * @param failedInvocations invocations that did not succeed (function errors, throttling, dropped)
     */
    record Report(
            long produced,
            long deliveries,
            long duplicates,
            List<String> repeatedExamples,
            Map<String, List<Long>> missing,
            List<String> orderViolations,
            long failedInvocations) {

        boolean complete() {
            return missing.isEmpty();
        }

        long missingCount() {
            return missing.values().stream().mapToLong(List::size).sum();
        }

        @Override
        public String toString() {
            return "produced " + produced + ", delivered " + deliveries + " (" + duplicates + " repeats"
                    + (repeatedExamples.isEmpty()
                            ? ""
                            : " e.g. " + repeatedExamples.subList(0, Math.min(5, repeatedExamples.size())))
                    + "), missing "
                    + missingCount() + (missing.isEmpty() ? "" : " e.g. " + firstMissing()) + ", order violations "
                    + orderViolations.size() + (orderViolations.isEmpty() ? "" : " e.g. " + orderViolations.get(0))
                    + ", failed invocations " + failedInvocations;
        }

        private String firstMissing() {
            Map.Entry<String, List<Long>> first = missing.entrySet().iterator().next();
            return first.getKey() + ":"
                    + first.getValue().subList(0, Math.min(5, first.getValue().size()));
        }
    }
}
