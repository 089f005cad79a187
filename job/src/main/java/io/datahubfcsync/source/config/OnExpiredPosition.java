package io.datahubfcsync.source.config;

/** {@code datahub.on-expired-position}: what to do when a checkpointed position has expired from DataHub. */
public enum OnExpiredPosition {
    /** Fail the job, naming the shard, the lost sequence and the oldest one DataHub still has. */
    FAIL,
    /** Log, count ({@code expiredPositionResets}) and continue from the shard's oldest retained record. */
    OLDEST
}
