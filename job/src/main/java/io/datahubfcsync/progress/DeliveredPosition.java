package io.datahubfcsync.progress;

/**
 * Where a shard's delivery stood at a checkpoint: the last record FC accepted (or the dead-letter
 * topic took) and its DataHub system time.
 */
public record DeliveredPosition(String shardId, long sequence, long systemTime) {}
