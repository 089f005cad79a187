package io.datahubfcsync.datahub;

/** A transient failure: throttling, a DataHub 5xx, a network error. Back off and try again. */
public final class DataHubRetryableException extends DataHubException {
    private static final long serialVersionUID = 1L;

    /** Why the call failed, so logs and metrics can tell throttling from outages. */
    public enum Kind {
        THROTTLED,
        SERVER_ERROR,
        NETWORK,
        TEMPORARILY_UNAVAILABLE
    }

    private final Kind kind;

    public DataHubRetryableException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
