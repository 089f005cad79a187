package io.datahubfcsync.delivery.coordination;

import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/**
 * Coordinator → a finishing subtask, as its last event: events to one subtask arrive in the order
 * they were sent, so once the subtask has this one, no other is on its way and it may finish. An
 * event that reached a task that had already finished would fail the job.
 */
public record FinishingAcknowledgedEvent() implements OperatorEvent {
    private static final long serialVersionUID = 1L;
}
