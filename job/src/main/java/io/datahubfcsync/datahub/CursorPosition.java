package io.datahubfcsync.datahub;

import java.io.Serializable;

/**
 * Where in a shard to start reading. Positions kept in Flink state are {@link Kind#OLDEST},
 * {@link Kind#SEQUENCE} (the next sequence to read) or {@link Kind#SYSTEM_TIME}; {@link Kind#LATEST}
 * is only asked of DataHub while resolving the job's start position.
 */
public record CursorPosition(Kind kind, long value) implements Serializable {

    public enum Kind {
        OLDEST,
        LATEST,
        SEQUENCE,
        SYSTEM_TIME
    }

    public CursorPosition {
        if ((kind == Kind.SEQUENCE || kind == Kind.SYSTEM_TIME) && value < 0) {
            throw new IllegalArgumentException(kind + " position needs a value >= 0, got " + value);
        }
    }

    public static CursorPosition oldest() {
        return new CursorPosition(Kind.OLDEST, 0);
    }

    public static CursorPosition latest() {
        return new CursorPosition(Kind.LATEST, 0);
    }

    /** The record with this sequence (the next one to read). */
    public static CursorPosition sequence(long nextSequence) {
        return new CursorPosition(Kind.SEQUENCE, nextSequence);
    }

    /** The first record with system time at or after this epoch ms. */
    public static CursorPosition systemTime(long epochMs) {
        return new CursorPosition(Kind.SYSTEM_TIME, epochMs);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case OLDEST, LATEST -> kind.name();
            case SEQUENCE -> "SEQUENCE " + value;
            case SYSTEM_TIME -> "SYSTEM_TIME " + value;
        };
    }
}
