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
    /** Other HTTP 4xx: not found, forbidden, signature, entity too large. Retrying rarely helps. */
    CLIENT_ERROR,
    /** No answer within {@code fc.read-timeout}. The function may still have run. */
    TIMEOUT,
    /** Connection refused/reset, or an unexpected exception from inside the SDK. */
    NETWORK;

    public boolean isSuccess() {
        return this == SUCCESS;
    }
}
