package io.datahubfcsync.datahub;

/**
 * DataHub refused the credentials: an unknown or disabled access key, a signature made with another
 * secret, an expired STS token, a RAM policy that does not allow the call, or no credentials at all.
 * Fresh credentials can fix it without any change to the job, so a reader backs off and tries again
 * (picking up rotated credentials) and fails only after {@code credentials.failure-grace}.
 */
public final class DataHubAuthException extends DataHubException {
    private static final long serialVersionUID = 1L;

    /** Which kind of refusal; the name is a stable keyword for start-up messages. */
    public enum Reason {
        CREDENTIALS_REJECTED,
        TOKEN_EXPIRED,
        PERMISSION_DENIED,
        CREDENTIALS_MISSING
    }

    private final Reason reason;

    public DataHubAuthException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
