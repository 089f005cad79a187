package io.datahubfcsync.datahub;

/**
 * DataHub refused a subscription commit because of the subscription's state, not the request: the
 * caller reopens the session and commits again, or waits until the subscription is online.
 */
public final class SubscriptionStateException extends DataHubException {
    private static final long serialVersionUID = 1L;

    /** Why the commit was refused. */
    public enum Reason {
        /** Another consumer opened a session on the shard after ours. */
        SESSION_TAKEN_OVER,
        /** The shard's offset was reset (in the console) after our session was opened. */
        OFFSET_RESET,
        /** The subscription is OFFLINE: it takes no commits until it is set online again. */
        OFFLINE
    }

    private final Reason reason;

    public SubscriptionStateException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
