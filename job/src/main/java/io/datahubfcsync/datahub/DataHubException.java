package io.datahubfcsync.datahub;

/**
 * What can go wrong when talking to DataHub, in the terms the job reacts to. The SDK's own
 * exceptions are mapped to these at the {@link DataHubClient} and {@link DataHubSubscriptions}
 * boundary, so the Flink code decides "retry, re-seek, finish or fail" from the type alone and
 * never imports an SDK class.
 *
 * <p>Messages name the project, topic and shard involved and never hold a credential.
 */
public abstract sealed class DataHubException extends RuntimeException
        permits DataHubRetryableException,
                ShardSealedException,
                ExpiredCursorException,
                PositionOutOfRangeException,
                ShardNotFoundException,
                DataHubFatalException,
                DataHubAuthException,
                SubscriptionStateException {
    private static final long serialVersionUID = 1L;

    protected DataHubException(String message, Throwable cause) {
        super(message, cause);
    }
}
