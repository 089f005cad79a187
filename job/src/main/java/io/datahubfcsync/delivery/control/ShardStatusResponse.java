package io.datahubfcsync.delivery.control;

import java.util.List;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;

/**
 * The status of every shard, sorted by shard id.
 *
 * @param shards one entry per shard a subtask holds, plus the shards delivered to their end
 *     (state {@link ShardState#FINISHED}) that no subtask holds any more
 * @param subtasksNotAnswering subtasks that did not answer in time (their shards are missing); empty normally
 */
public record ShardStatusResponse(List<ShardStatus> shards, List<Integer> subtasksNotAnswering)
        implements CoordinationResponse {
    private static final long serialVersionUID = 1L;

    public ShardStatusResponse {
        shards = List.copyOf(shards);
        subtasksNotAnswering = List.copyOf(subtasksNotAnswering);
    }
}
