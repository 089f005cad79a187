package io.datahubfcsync.delivery;

/**
 * A shard cannot go on: its batch failed {@code retry.max-attempts} times, or a record can never be
 * put into an event. Wrapped in Flink's {@code SuppressRestartsException} so the job fails for good
 * and the Flink UI shows this message as the root cause.
 */
public final class ShardExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ShardExhaustedException(String message) {
        super(message);
    }
}
