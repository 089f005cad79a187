package io.datahubfcsync.delivery.coordination;

import java.util.Set;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/**
 * Coordinator → every subtask: these shards were delivered to their END (all known ones when a
 * subtask becomes ready, new ones as they are reported); children waiting for them may go.
 *
 * @param shards shards delivered to their END
 * @param inCheckpointsAfter every coordinator checkpoint with an id greater than this one holds
 *     {@code shards}: once such a checkpoint completes, a subtask may forget a shard it reported
 */
public record DeliveredShardsEvent(Set<String> shards, long inCheckpointsAfter) implements OperatorEvent {
    private static final long serialVersionUID = 1L;

    public DeliveredShardsEvent {
        shards = Set.copyOf(shards);
    }
}
