package io.datahubfcsync.datahub;

/**
 * The requested position is outside what the shard retains (DataHub's {@code SeekOutOfRange}): a
 * sequence that has expired or does not exist yet, or a system time later than DataHub's clock.
 */
public final class PositionOutOfRangeException extends DataHubException {
    private static final long serialVersionUID = 1L;

    public PositionOutOfRangeException(String message, Throwable cause) {
        super(message, cause);
    }
}
