package io.datahubfcsync.source;

import io.datahubfcsync.event.ShardRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * What the source emitted, per test run, in emission order: records, and separately the START/END
 * markers (stamped on the same clock, so their order against records can be checked). A {@link Recorder} is chained to the
 * source (same thread), so its global stamp orders emissions across subtasks. Same JVM as the
 * MiniCluster, hence static.
 */
final class EmittedRecords {
    record Emitted(
            String shardId, long sequence, long systemTime, String[] tuple, byte[] blob, long stamp, int subtask) {}

    record EmittedMarker(ShardRecord.Marker marker, String shardId, long sequence, List<String> parents, long stamp) {}

    private static final Map<String, ConcurrentLinkedQueue<Emitted>> RUNS = new ConcurrentHashMap<>();
    private static final Map<String, ConcurrentLinkedQueue<EmittedMarker>> MARKERS = new ConcurrentHashMap<>();
    private static final AtomicLong STAMPS = new AtomicLong();
    /** Run ids whose recorder should throw once at the first record of one of the given shards. */
    private static final Map<String, Set<String>> ARMED_FAILURES = new ConcurrentHashMap<>();
    /** Run id → the shard whose first record fired the armed failure. */
    private static final Map<String, String> FIRED_AT = new ConcurrentHashMap<>();

    private EmittedRecords() {}

    static List<Emitted> of(String run) {
        return new ArrayList<>(RUNS.getOrDefault(run, new ConcurrentLinkedQueue<>()));
    }

    static List<EmittedMarker> markersOf(String run) {
        return new ArrayList<>(MARKERS.getOrDefault(run, new ConcurrentLinkedQueue<>()));
    }

    static int count(String run) {
        return RUNS.getOrDefault(run, new ConcurrentLinkedQueue<>()).size();
    }

    /** Run id → what to do right before the armed failure is thrown. */
    private static final Map<String, Runnable> BEFORE_FAILURE = new ConcurrentHashMap<>();

    static void failOnceAtFirstRecordOf(String run, Set<String> shards) {
        ARMED_FAILURES.put(run, shards);
    }

    /** As {@link #failOnceAtFirstRecordOf(String, Set)}, running {@code beforeFailing} first. */
    static void failOnceAtFirstRecordOf(String run, Set<String> shards, Runnable beforeFailing) {
        BEFORE_FAILURE.put(run, beforeFailing);
        ARMED_FAILURES.put(run, shards);
    }

    static boolean failureFired(String run) {
        return !ARMED_FAILURES.containsKey(run);
    }

    static String failureFiredAt(String run) {
        return FIRED_AT.get(run);
    }

    /** Sequences per shard in emission order. */
    static Map<String, List<Long>> sequencesPerShard(String run) {
        Map<String, List<Long>> out = new TreeMap<>();
        for (Emitted e : of(run))
            out.computeIfAbsent(e.shardId(), k -> new ArrayList<>()).add(e.sequence());
        return out;
    }

    static List<Long> range(long from, long toExclusive) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i < toExclusive; i++) l.add(i);
        return l;
    }

    /** Shard id → the source subtask that emitted its records since {@code fromStamp} (the last one seen). */
    static Map<String, Integer> subtaskPerShard(String run, long fromStamp) {
        Map<String, Integer> out = new TreeMap<>();
        for (Emitted e : of(run)) if (e.stamp() > fromStamp) out.put(e.shardId(), e.subtask());
        return out;
    }

    static long lastStamp() {
        return STAMPS.get();
    }

    static final class Recorder extends RichMapFunction<ShardRecord, ShardRecord> {
        private static final long serialVersionUID = 1L;
        private final String run;

        Recorder(String run) {
            this.run = run;
        }

        @Override
        public ShardRecord map(ShardRecord r) {
            if (r.isMarker()) {
                MARKERS.computeIfAbsent(run, k -> new ConcurrentLinkedQueue<>())
                        .add(new EmittedMarker(
                                r.marker,
                                r.shardId,
                                r.sequence,
                                r.parents == null ? List.of() : List.of(r.parents),
                                STAMPS.incrementAndGet()));
                return r;
            }
            Set<String> failAt = ARMED_FAILURES.get(run);
            if (failAt != null && failAt.contains(r.shardId) && ARMED_FAILURES.remove(run, failAt)) {
                FIRED_AT.put(run, r.shardId);
                Runnable before = BEFORE_FAILURE.remove(run);
                if (before != null) before.run();
                throw new IllegalStateException("Injected failure at " + r.eventId() + " (test " + run + ")");
            }
            RUNS.computeIfAbsent(run, k -> new ConcurrentLinkedQueue<>())
                    .add(new Emitted(
                            r.shardId,
                            r.sequence,
                            r.systemTime,
                            r.tuple,
                            r.blob,
                            STAMPS.incrementAndGet(),
                            getRuntimeContext().getTaskInfo().getIndexOfThisSubtask()));
            return r;
        }
    }
}
