package io.datahubfcsync.fc;

/** Classified result of one invocation: what happened, and enough detail for an error message. */
public final class InvocationResult {
    private final InvocationOutcome outcome;
    private final int httpStatus; // 0 when no HTTP answer
    private final String requestId; // X-Fc-Request-Id, may be null
    private final String errorCode; // FC ErrorCode or X-Fc-Error-Type, null on success
    private final String errorMessage; // function error message or FC ErrorMessage, null on success
    private final long latencyNanos;
    private final int
            httpAttempts; // HTTP requests that went on the wire for this attempt: 1, or 0 if none could be sent

    public InvocationResult(
            InvocationOutcome outcome,
            int httpStatus,
            String requestId,
            String errorCode,
            String errorMessage,
            long latencyNanos,
            int httpAttempts) {
        this.outcome = outcome;
        this.httpStatus = httpStatus;
        this.requestId = requestId;
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
        this.latencyNanos = latencyNanos;
        this.httpAttempts = httpAttempts;
    }

    public static InvocationResult success(int httpStatus, String requestId, long latencyNanos) {
        return new InvocationResult(InvocationOutcome.SUCCESS, httpStatus, requestId, null, null, latencyNanos, 1);
    }

    public InvocationOutcome outcome() {
        return outcome;
    }

    public boolean isSuccess() {
        return outcome.isSuccess();
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String requestId() {
        return requestId;
    }

    public String errorCode() {
        return errorCode;
    }

    public String errorMessage() {
        return errorMessage;
    }

    public long latencyNanos() {
        return latencyNanos;
    }

    public int httpAttempts() {
        return httpAttempts;
    }

    /** One line for logs and failure messages, e.g. {@code FUNCTION_ERROR UnhandledInvocationError: boom (requestId r-1)}. */
    public String describe() {
        StringBuilder b = new StringBuilder(outcome.name());
        if (httpStatus > 0) b.append(" HTTP ").append(httpStatus);
        if (errorCode != null) b.append(' ').append(errorCode);
        if (errorMessage != null) b.append(": ").append(errorMessage);
        b.append(" (requestId ").append(requestId == null ? "none" : requestId).append(')');
        return b.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
