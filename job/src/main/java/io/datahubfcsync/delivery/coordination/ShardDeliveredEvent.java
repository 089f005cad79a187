package io.datahubfcsync.delivery.coordination;

import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/**
 * Subtask → coordinator: the shard was delivered up to its END (every record this job read of it
 * was accepted by FC or set aside). Sent again after every restore for as long as the subtask still
 * holds the shard, because these events are not aligned with checkpoints.
 */
public record ShardDeliveredEvent(String shardId) implements OperatorEvent {
    private static final long serialVersionUID = 1L;
}
