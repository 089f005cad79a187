package io.datahubfcsync.datahub;

/**
 * DataHub does not know the shard. Happens briefly right after a split or merge, so it is retried
 * for a bounded time before it counts as fatal.
 */
public final class ShardNotFoundException extends DataHubException {
    private static final long serialVersionUID = 1L;

    public ShardNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
