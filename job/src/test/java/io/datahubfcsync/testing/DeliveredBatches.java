package io.datahubfcsync.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.local.fc.InvocationRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Reads what the FC emulator received back into batches: which shard, which sequences, how it ended. */
public final class DeliveredBatches {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One invocation as the function saw it. */
    public record Batch(
            String shard,
            List<Long> sequences,
            boolean succeeded,
            Instant received,
            Instant finished,
            int bytes,
            String payload) {
        public long first() {
            return sequences.get(0);
        }

        public long last() {
            return sequences.get(sequences.size() - 1);
        }

        public boolean holds(String shardId, long sequence) {
            return shard.equals(shardId) && sequences.contains(sequence);
        }

        /** Without the payload, which can be large. */
        @Override
        public String toString() {
            return "Batch{" + shard + ':' + sequences + (succeeded ? " ok" : " failed") + ", " + bytes + " bytes}";
        }
    }

    private DeliveredBatches() {}

    /** When the emulator received its first invocation, waiting up to a minute for one. */
    public static Instant firstReceived(Supplier<List<InvocationRecord>> invocations) {
        return Await.value("the first invocation", Duration.ofSeconds(60), invocations::get, all -> !all.isEmpty())
                .get(0)
                .received();
    }

    /**
     * Every invocation received in [from, to), once a later one shows the window is over (waiting up
     * to two minutes for that).
     */
    public static List<Batch> receivedBetween(Supplier<List<InvocationRecord>> invocations, Instant from, Instant to) {
        Await.value(
                "an invocation after " + to,
                Duration.ofSeconds(120),
                Duration.ofMillis(500),
                invocations::get,
                all -> all.stream().map(InvocationRecord::received).anyMatch(t -> !t.isBefore(to)));
        return of(invocations.get()).stream()
                .filter(b -> !b.received().isBefore(from) && b.received().isBefore(to))
                .toList();
    }

    /** Every invocation, in the order the emulator received them. */
    public static List<Batch> of(List<InvocationRecord> invocations) {
        List<Batch> out = new ArrayList<>();
        List<InvocationRecord> sorted = new ArrayList<>(invocations);
        sorted.sort(Comparator.comparing(InvocationRecord::received).thenComparingLong(InvocationRecord::index));
        for (InvocationRecord r : sorted) {
            out.add(parse(r));
        }
        return out;
    }

    /** Per shard, the sequences of the successful invocations, concatenated in invocation order. */
    public static Map<String, List<Long>> deliveredPerShard(List<Batch> batches) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (Batch b : batches) {
            if (b.succeeded())
                out.computeIfAbsent(b.shard(), k -> new ArrayList<>()).addAll(b.sequences());
        }
        return out;
    }

    /** Per shard, the highest sequence in an invocation FC answered with success. */
    public static Map<String, Long> highestDelivered(List<Batch> batches) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Batch b : batches) {
            if (b.succeeded()) out.merge(b.shard(), Collections.max(b.sequences()), Math::max);
        }
        return out;
    }

    public static List<Long> range(long fromInclusive, long toExclusive) {
        List<Long> out = new ArrayList<>();
        for (long i = fromInclusive; i < toExclusive; i++) out.add(i);
        return out;
    }

    private static Batch parse(InvocationRecord r) {
        try {
            JsonNode event = JSON.readTree(r.payload());
            String shard = null;
            List<Long> seqs = new ArrayList<>();
            for (JsonNode rec : event.get("records")) {
                String id = rec.get("eventId").asText();
                int colon = id.lastIndexOf(':');
                String s = id.substring(0, colon);
                if (shard == null) shard = s;
                else if (!shard.equals(s)) throw new AssertionError("an event mixes shards " + shard + " and " + s);
                seqs.add(Long.parseLong(id.substring(colon + 1)));
            }
            return new Batch(
                    shard,
                    seqs,
                    r.outcome() == InvocationRecord.Outcome.SUCCESS,
                    r.received(),
                    r.finished(),
                    r.payload().length,
                    r.payloadUtf8());
        } catch (IOException e) {
            throw new UncheckedIOException("the function received an event that is not JSON: " + r, e);
        }
    }
}
