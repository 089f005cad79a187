package io.datahubfcsync.datahub;

/** The shard is CLOSED and every record in it has been read: the shard is finished. */
public final class ShardSealedException extends DataHubException {
    private static final long serialVersionUID = 1L;

    public ShardSealedException(String message, Throwable cause) {
        super(message, cause);
    }
}
