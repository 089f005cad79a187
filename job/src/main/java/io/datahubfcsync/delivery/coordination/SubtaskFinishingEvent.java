package io.datahubfcsync.delivery.coordination;

import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/**
 * Subtask → coordinator: the subtask's input ended and everything it held was delivered; it is
 * about to finish and needs no further event. The coordinator answers with
 * {@link FinishingAcknowledgedEvent} and sends that subtask nothing after it.
 */
public record SubtaskFinishingEvent() implements OperatorEvent {
    private static final long serialVersionUID = 1L;
}
