package io.datahubfcsync.local.datahub;

import com.aliyun.datahub.client.model.ShardState;
import java.util.List;

/**
 * A point-in-time view of one shard for tests and the local runner.
 *
 * @param oldestSequence first retained sequence (== nextSequence when nothing is retained)
 * @param nextSequence   the sequence the next written record gets
 */
public record ShardSnapshot(
        String shardId,
        ShardState state,
        String beginHashKey,
        String endHashKey,
        List<String> parentShardIds,
        long closedTimeSeconds,
        long oldestSequence,
        long nextSequence) {}
