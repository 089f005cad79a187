package io.datahubfcsync.delivery.coordination;

import io.datahubfcsync.delivery.control.ShardState;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/** Subtask → coordinator: what a {@link ResumeCommandEvent} did there. */
public record ResumeReportEvent(long requestId, List<String> resumed, Map<String, ShardState> notSuspended)
        implements OperatorEvent {
    private static final long serialVersionUID = 1L;

    public ResumeReportEvent {
        resumed = List.copyOf(resumed);
        notSuspended = Map.copyOf(notSuspended);
    }
}
