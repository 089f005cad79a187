package io.datahubfcsync.delivery.control;

import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;

/**
 * What a {@link ResumeRequest} did.
 *
 * @param resumed shards whose batch is being tried again with a fresh budget
 * @param notSuspended shards named by the request that were not suspended, with their state; nothing changed for them
 * @param unknown the shard named by the request if no subtask holds it; else empty
 * @param subtasksNotAnswering subtasks that did not answer in time; empty normally
 */
public record ResumeResponse(
        List<String> resumed,
        Map<String, ShardState> notSuspended,
        List<String> unknown,
        List<Integer> subtasksNotAnswering)
        implements CoordinationResponse {
    private static final long serialVersionUID = 1L;

    public ResumeResponse {
        resumed = List.copyOf(resumed);
        notSuspended = Map.copyOf(notSuspended);
        unknown = List.copyOf(unknown);
        subtasksNotAnswering = List.copyOf(subtasksNotAnswering);
    }

    /** One line for people, e.g. "resumed 3 (shard 0, 2, 5)" or "shard 4 is running, not suspended: nothing changed". */
    public String summary() {
        StringBuilder b = new StringBuilder();
        if (!resumed.isEmpty())
            b.append("resumed ")
                    .append(resumed.size())
                    .append(" (shard ")
                    .append(String.join(", ", resumed))
                    .append(')');
        notSuspended.forEach((shard, state) -> {
            if (b.length() > 0) b.append("; ");
            b.append("shard ")
                    .append(shard)
                    .append(" is ")
                    .append(state.key())
                    .append(", not suspended: nothing changed");
        });
        for (String shard : unknown) {
            if (b.length() > 0) b.append("; ");
            b.append("no subtask holds shard ").append(shard);
        }
        if (b.length() == 0) b.append("no shard is suspended: nothing changed");
        if (!subtasksNotAnswering.isEmpty())
            b.append(" (subtasks ").append(subtasksNotAnswering).append(" did not answer)");
        return b.toString();
    }
}
