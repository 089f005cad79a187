package io.datahubfcsync.source;

import java.util.Locale;

/** {@code datahub.on-expired-position}: what to do when a checkpointed position has expired from DataHub. */
public enum OnExpiredPosition {
    /** Fail the job, naming the shard, the lost sequence and the oldest one DataHub still has. */
    FAIL,
    /** Log, count ({@code expiredPositionResets}) and continue from the shard's oldest retained record. */
    OLDEST;

    public static OnExpiredPosition parse(String key, String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Invalid value for " + key + ": '" + text + "'. Use fail or oldest.");
        }
    }
}
