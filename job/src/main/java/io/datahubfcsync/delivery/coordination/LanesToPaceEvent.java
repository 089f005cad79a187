package io.datahubfcsync.delivery.coordination;

import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/**
 * Subtask → coordinator, only with {@code delivery.max-records-per-second}: how many of the
 * subtask's shards have records to send now (undelivered records, not suspended, not waiting for
 * their parents). The coordinator divides the job's rate by these counts.
 */
public record LanesToPaceEvent(int lanes) implements OperatorEvent {
    private static final long serialVersionUID = 1L;

    public LanesToPaceEvent {
        if (lanes < 0) throw new IllegalArgumentException("lanes must not be negative, got " + lanes);
    }
}
