package io.datahubfcsync.cli.wire;

import io.datahubfcsync.delivery.control.ShardState;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Wire twin of {@code delivery.control.ResumeResponse}.
 *
 * @param resumed shards whose batch is being tried again with a fresh budget
 * @param notSuspended shards named by the request that were not suspended, with their state
 * @param unknown the shard named by the request if no subtask holds it
 * @param subtasksNotAnswering subtasks that did not answer in time
 */
public record ResumeResponse(
        List<String> resumed,
        Map<String, ShardState> notSuspended,
        List<String> unknown,
        List<Integer> subtasksNotAnswering)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public ResumeResponse {
        resumed = List.copyOf(resumed);
        notSuspended = Map.copyOf(notSuspended);
        unknown = List.copyOf(unknown);
        subtasksNotAnswering = List.copyOf(subtasksNotAnswering);
    }
}
