package io.datahubfcsync.source.config;

import java.io.Serializable;
import java.time.Instant;

/**
 * The job's {@code start}: OLDEST, LATEST or a point in time. Resolved once, at the first start,
 * into a position per shard that is kept in Flink state; a restore never resolves it again.
 */
public final class StartPosition implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        OLDEST,
        LATEST,
        TIMESTAMP
    }

    private static final StartPosition OLDEST = new StartPosition(Kind.OLDEST, 0);
    private static final StartPosition LATEST = new StartPosition(Kind.LATEST, 0);

    private final Kind kind;
    private final long timestampMs;

    private StartPosition(Kind kind, long timestampMs) {
        this.kind = kind;
        this.timestampMs = timestampMs;
    }

    /** Every retained record. */
    public static StartPosition oldest() {
        return OLDEST;
    }

    /** Only records written after the job first starts. */
    public static StartPosition latest() {
        return LATEST;
    }

    /** Records with DataHub system time at or after this instant (epoch ms). */
    public static StartPosition timestamp(long epochMs) {
        if (epochMs < 0) {
            throw new IllegalArgumentException("start time must be >= 0 epoch ms, got " + epochMs);
        }
        return new StartPosition(Kind.TIMESTAMP, epochMs);
    }

    public Kind kind() {
        return kind;
    }

    /** The instant for {@link Kind#TIMESTAMP}; 0 otherwise. */
    public long timestampMs() {
        return timestampMs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StartPosition p && p.kind == kind && p.timestampMs == timestampMs;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Long.hashCode(timestampMs);
    }

    @Override
    public String toString() {
        return kind == Kind.TIMESTAMP ? Instant.ofEpochMilli(timestampMs).toString() : kind.name();
    }
}
