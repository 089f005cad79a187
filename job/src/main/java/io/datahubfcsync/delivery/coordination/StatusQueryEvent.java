package io.datahubfcsync.delivery.coordination;

import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/** Coordinator → subtask: report the status of every shard you hold, answering with {@link StatusReportEvent}. */
public record StatusQueryEvent(long requestId) implements OperatorEvent {
    private static final long serialVersionUID = 1L;
}
