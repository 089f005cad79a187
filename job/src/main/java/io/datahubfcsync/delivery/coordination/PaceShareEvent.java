package io.datahubfcsync.delivery.coordination;

import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/** Coordinator → subtask: the subtask's share of {@code delivery.max-records-per-second} from now on. */
public record PaceShareEvent(double recordsPerSecond) implements OperatorEvent {
    private static final long serialVersionUID = 1L;

    public PaceShareEvent {
        if (!(recordsPerSecond > 0))
            throw new IllegalArgumentException("the share must be positive, got " + recordsPerSecond);
    }
}
