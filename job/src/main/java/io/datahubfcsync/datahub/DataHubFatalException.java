package io.datahubfcsync.datahub;

/** A failure that retrying cannot fix; the job fails with this message. */
public final class DataHubFatalException extends DataHubException {
    private static final long serialVersionUID = 1L;

    /** The broad cause, so a start-up check can tell the user what to fix. */
    public enum Reason {
        PROJECT_OR_TOPIC_NOT_FOUND,
        CREDENTIALS_REJECTED,
        PERMISSION_DENIED,
        POSITION_EXPIRED,
        MALFORMED_RECORD,
        INVALID_REQUEST,
        SHARD_GONE
    }

    private final Reason reason;

    public DataHubFatalException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
