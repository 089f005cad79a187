package io.datahubfcsync.datahub;

/**
 * A read cursor for a shard and the position it points at. The cursor string is an opaque,
 * short-lived session handle and never goes into Flink state; the sequence does.
 *
 * @param sequence   the sequence of the record the cursor points at
 * @param recordTime system time of that record (epoch ms), 0 if the shard is empty
 */
public record ShardCursor(String cursor, long sequence, long recordTime) {}
