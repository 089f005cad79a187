package io.datahubfcsync.delivery.coordination;

import io.datahubfcsync.delivery.control.ShardStatus;
import java.util.List;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/** Subtask → coordinator: the answer to a {@link StatusQueryEvent}. */
public record StatusReportEvent(long requestId, List<ShardStatus> shards) implements OperatorEvent {
    private static final long serialVersionUID = 1L;

    public StatusReportEvent {
        shards = List.copyOf(shards);
    }
}
