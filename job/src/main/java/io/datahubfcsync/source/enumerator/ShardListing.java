package io.datahubfcsync.source.enumerator;

import io.datahubfcsync.datahub.CursorPosition;
import io.datahubfcsync.datahub.ShardInfo;
import java.util.List;
import java.util.Map;

/**
 * One result of shard discovery.
 *
 * @param initialPositions the resolved start per shard, only while the job's start is unresolved
 */
record ShardListing(List<ShardInfo> shards, Map<String, CursorPosition> initialPositions) {}
