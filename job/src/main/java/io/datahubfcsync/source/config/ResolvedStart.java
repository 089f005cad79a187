package io.datahubfcsync.source.config;

import io.datahubfcsync.datahub.CursorPosition;
import java.io.Serializable;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The job's {@code start} turned into a position per shard, once, on the client before the job is
 * submitted. It travels in the job graph, so the first attempt and every restart that has no
 * checkpoint to restore begin at exactly these positions: a position that expired meanwhile is
 * then noticed (and handled by {@code datahub.on-expired-position}) instead of being quietly
 * resolved again to whatever is oldest or newest by then.
 *
 * <p>Positions are SEQUENCE (the next sequence to read), or SYSTEM_TIME for a start time DataHub's
 * clock had not reached. A shard that is not listed here appeared after the resolution and is read
 * from its first record.
 */
public final class ResolvedStart implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StartPosition start;
    private final long resolvedAtMs;
    private final TreeMap<String, CursorPosition> positions;

    public ResolvedStart(StartPosition start, long resolvedAtMs, Map<String, CursorPosition> positions) {
        this.start = start;
        this.resolvedAtMs = resolvedAtMs;
        this.positions = new TreeMap<>(positions);
        for (Map.Entry<String, CursorPosition> e : positions.entrySet()) {
            CursorPosition.Kind kind = e.getValue().kind();
            if (kind != CursorPosition.Kind.SEQUENCE && kind != CursorPosition.Kind.SYSTEM_TIME) {
                throw new IllegalArgumentException("A resolved start is a sequence or a time, not " + e.getValue()
                        + " (shard " + e.getKey() + ")");
            }
        }
    }

    public StartPosition start() {
        return start;
    }

    public long resolvedAtMs() {
        return resolvedAtMs;
    }
    /** Shard id → where its reading starts. */
    public Map<String, CursorPosition> positions() {
        return java.util.Collections.unmodifiableMap(positions);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResolvedStart r
                && r.start.equals(start)
                && r.resolvedAtMs == resolvedAtMs
                && r.positions.equals(positions);
    }

    @Override
    public int hashCode() {
        return positions.hashCode() * 31 + Long.hashCode(resolvedAtMs);
    }

    @Override
    public String toString() {
        return start + " resolved at " + Instant.ofEpochMilli(resolvedAtMs) + " to " + positions;
    }
}
