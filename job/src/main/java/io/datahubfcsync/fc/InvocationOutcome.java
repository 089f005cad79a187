package io.datahubfcsync.fc;

/** How one synchronous invocation ended. Everything but {@link #SUCCESS} is a failed attempt. */
public enum InvocationOutcome {
    /** HTTP 2xx without {@code X-Fc-Error-Type}. */
    SUCCESS,
    /** HTTP 200 with {@code X-Fc-Error-Type}: the function itself failed. */
    FUNCTION_ERROR,
    /** HTTP 429 (or FC's ResourceThrottled / ResourceExhausted): back off. */
    THROTTLED,
    /** HTTP 5xx: FC platform error. */
    PLATFORM_ERROR,
    /**
     * FC refused the credentials: an expired STS token, an unknown access key id, a signature made
     * with the wrong secret, or a RAM policy that does not allow the call. Fresh credentials may fix
     * it without any change to the batch, so it is not the batch's failure: the caller backs off,
     * picks up the credentials again, and gives up only after {@code credentials.failure-grace}.
     */
    AUTH_FAILURE,
    /** Other HTTP 4xx: not found, entity too large, bad argument. Retrying rarely helps. */
    CLIENT_ERROR,
    /** No answer within {@code fc.read-timeout}. The function may still have run. */
    TIMEOUT,
    /** Connection refused/reset, or an unexpected exception from inside the SDK. */
    NETWORK;

    public boolean isSuccess() {
        return this == SUCCESS;
    }

    /** A credential problem rather than a failure of the batch (see {@link #AUTH_FAILURE}). */
    public boolean isAuthFailure() {
        return this == AUTH_FAILURE;
    }
}
