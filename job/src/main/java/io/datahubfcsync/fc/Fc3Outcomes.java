package io.datahubfcsync.fc;

import com.aliyun.tea.TeaException;
import com.aliyun.tea.TeaUnretryableException;
import io.datahubfcsync.credentials.CredentialsSource;
import java.net.SocketTimeoutException;
import java.util.Map;

/**
 * Turns what the FC 3.0 SDK returned or threw into an {@link InvocationResult}, with the same
 * classes as FC 2.0: 2xx with {@code x-fc-error-type} is a function error, 429 throttling, 5xx a
 * platform error, refused credentials an auth failure, any other 4xx a client error.
 */
final class Fc3Outcomes {
    private static final int MAX_MESSAGE_CHARS = 1000;

    private Fc3Outcomes() {}

    /** A 2xx answer (the SDK throws for every other status). Header names arrive lower-cased. */
    static InvocationResult fromResponse(Integer status, Map<String, String> headers, byte[] body, long latencyNanos) {
        int httpStatus = status == null ? 0 : status;
        String requestId = FcOutcomes.header(headers, "x-fc-request-id");
        String errorType = FcOutcomes.header(headers, "x-fc-error-type");
        if (errorType == null) {
            return new InvocationResult(InvocationOutcome.SUCCESS, httpStatus, requestId, null, null, latencyNanos, 1);
        }
        return new InvocationResult(
                InvocationOutcome.FUNCTION_ERROR,
                httpStatus,
                requestId,
                errorType,
                FcOutcomes.functionErrorMessage(body),
                latencyNanos,
                1);
    }

    /** Anything the SDK threw; nothing escapes. */
    static InvocationResult fromException(Exception e, long latencyNanos) {
        if (e instanceof TeaUnretryableException) {
            // a transport failure: refused, reset, timed out; the cause chain holds the IOException
            boolean timeout = causeOfType(e, SocketTimeoutException.class);
            return new InvocationResult(
                    timeout ? InvocationOutcome.TIMEOUT : InvocationOutcome.NETWORK,
                    0,
                    null,
                    timeout ? "Timeout" : "ServerUnreachable",
                    truncate(rootMessage(e)),
                    latencyNanos,
                    timeout ? 1 : 0);
        }
        if (e instanceof TeaException) {
            TeaException te = (TeaException) e;
            int status = te.getStatusCode() == null ? 0 : te.getStatusCode();
            String code = te.getCode();
            String message = errorMessage(te);
            InvocationOutcome outcome;
            if (status == 429 || "ResourceThrottled".equals(code) || "ResourceExhausted".equals(code)) {
                outcome = InvocationOutcome.THROTTLED;
            } else if (status >= 500) {
                outcome = InvocationOutcome.PLATFORM_ERROR;
            } else if (FcAuthErrors.isAuthFailure(status, code)) {
                outcome = InvocationOutcome.AUTH_FAILURE;
            } else if (status == 0) {
                outcome = InvocationOutcome.NETWORK; // the SDK's own checks before sending
            } else {
                outcome = InvocationOutcome.CLIENT_ERROR;
            }
            return new InvocationResult(
                    outcome, status, requestId(te), code, message, latencyNanos, status > 0 ? 1 : 0);
        }
        if (e instanceof CredentialsSource.MissingCredentialsException) {
            return new InvocationResult(
                    InvocationOutcome.AUTH_FAILURE, 0, null, "MissingCredentials", e.getMessage(), latencyNanos, 0);
        }
        // e.g. TeaUtilException "convert to JSON": an error status whose body is not FC's JSON (a proxy's page)
        return new InvocationResult(
                InvocationOutcome.NETWORK,
                0,
                null,
                e.getClass().getSimpleName(),
                truncate("unexpected " + e.getClass().getName() + " from the FC 3.0 SDK"
                        + (e.getMessage() != null ? ": " + e.getMessage() : "")),
                latencyNanos,
                1);
    }

    /** FC's {@code Message}, without the SDK's "code: 404, ... request id: ..." wrapping. */
    private static String errorMessage(TeaException te) {
        Map<String, Object> data = te.getData();
        Object m = data == null ? null : data.getOrDefault("Message", data.get("message"));
        return truncate(m != null ? m.toString() : String.valueOf(te.getMessage()));
    }

    private static String requestId(TeaException te) {
        Map<String, Object> data = te.getData();
        if (data == null) return null;
        Object id = data.getOrDefault("RequestId", data.get("requestId"));
        return id == null ? null : id.toString();
    }

    private static boolean causeOfType(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return true;
            if (c.getCause() == c) break;
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getClass().getSimpleName() + (root.getMessage() != null ? ": " + root.getMessage() : "");
    }

    private static String truncate(String s) {
        return s == null || s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
}
