package io.datahubfcsync.delivery.coordination;

import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/**
 * Coordinator → subtask: resume the shard if you hold it suspended (or every suspended shard when
 * {@code shardId} is null); answer with {@link ResumeReportEvent}.
 */
public record ResumeCommandEvent(long requestId, String shardId) implements OperatorEvent {
    private static final long serialVersionUID = 1L;
}
