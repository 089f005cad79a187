package io.datahubfcsync.fc;

import com.aliyuncs.fc.exceptions.ClientException;
import com.aliyuncs.fc.exceptions.ServerException;
import com.aliyuncs.fc.response.InvokeFunctionResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datahubfcsync.credentials.CredentialsSource;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Turns whatever the FC 2.0 SDK returned or threw into an {@link InvocationResult}. The SDK returns
 * every 2xx, a function error included (then with {@code X-Fc-Error-Type}); it throws
 * {@code ClientException} for a 4xx and for a failure without an answer (status 0,
 * {@code SDK.ServerUnreachable}: refused, reset or timed out), {@code ServerException} for a 5xx, and
 * other RuntimeExceptions where its own parsing fails (see {@code unexpected}).
 */
final class FcOutcomes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE_CHARS = 1000;

    private FcOutcomes() {}

    /** A 2xx answer: success, or a function error when {@code X-Fc-Error-Type} is present. */
    static InvocationResult fromResponse(InvokeFunctionResponse response, long latencyNanos, int httpAttempts) {
        Map<String, String> headers = response.getHeaders();
        String requestId = header(headers, "X-Fc-Request-Id");
        String errorType = header(headers, "X-Fc-Error-Type");
        if (errorType == null) {
            return new InvocationResult(
                    InvocationOutcome.SUCCESS, response.getStatus(), requestId, null, null, latencyNanos, httpAttempts);
        }
        return new InvocationResult(
                InvocationOutcome.FUNCTION_ERROR,
                response.getStatus(),
                requestId,
                errorType,
                functionErrorMessage(response.getPayload() != null ? response.getPayload() : response.getContent()),
                latencyNanos,
                httpAttempts);
    }

    /** Anything the SDK threw; nothing escapes. */
    static InvocationResult fromException(RuntimeException e, long latencyNanos, int httpAttempts, int answeredStatus) {
        if (e instanceof ClientException) {
            ClientException ce = (ClientException) e;
            int status = ce.getStatusCode();
            String code = ce.getErrorCode();
            InvocationOutcome outcome;
            if (status == 429 || isThrottleCode(code)) {
                outcome = InvocationOutcome.THROTTLED;
            } else if (status == 0 && "SDK.ServerUnreachable".equals(code)) {
                // the SDK reports connect and read timeouts alike as SocketTimeoutException
                outcome = String.valueOf(ce.getErrorMessage()).contains("SocketTimeoutException")
                        ? InvocationOutcome.TIMEOUT
                        : InvocationOutcome.NETWORK;
            } else if (FcAuthErrors.isAuthFailure(status, code)) {
                outcome = InvocationOutcome.AUTH_FAILURE;
            } else {
                outcome = InvocationOutcome.CLIENT_ERROR;
            }
            return new InvocationResult(
                    outcome, status, ce.getRequestId(), code, ce.getErrorMessage(), latencyNanos, httpAttempts);
        }
        if (e instanceof ServerException) {
            ServerException se = (ServerException) e;
            InvocationOutcome outcome =
                    isThrottleCode(se.getErrorCode()) ? InvocationOutcome.THROTTLED : InvocationOutcome.PLATFORM_ERROR;
            return new InvocationResult(
                    outcome,
                    se.getStatusCode(),
                    se.getRequestId(),
                    se.getErrorCode(),
                    se.getErrorMessage(),
                    latencyNanos,
                    httpAttempts);
        }
        if (e instanceof CredentialsSource.MissingCredentialsException) {
            return new InvocationResult(
                    InvocationOutcome.AUTH_FAILURE,
                    0,
                    null,
                    "MissingCredentials",
                    e.getMessage(),
                    latencyNanos,
                    httpAttempts);
        }
        return unexpected(e, latencyNanos, httpAttempts, answeredStatus);
    }

    /**
     * A RuntimeException the SDK did not mean to throw: a NullPointerException when a 5xx has an empty
     * body, InaccessibleObjectException when the JVM lacks {@code --add-opens java.base/java.lang},
     * Guava's IllegalArgumentException for a bad setting. When FC's answer was a 5xx it is a platform
     * error; otherwise it is treated like a transport failure.
     */
    private static InvocationResult unexpected(
            RuntimeException e, long latencyNanos, int httpAttempts, int answeredStatus) {
        InvocationOutcome outcome =
                answeredStatus >= 500 ? InvocationOutcome.PLATFORM_ERROR : InvocationOutcome.NETWORK;
        String message = "unexpected " + e.getClass().getName() + " from the FC SDK"
                + (e.getMessage() != null ? ": " + truncate(e.getMessage()) : "");
        if (e.getClass().getName().equals("java.lang.reflect.InaccessibleObjectException")) {
            message += " (start the JVM with --add-opens java.base/java.lang=ALL-UNNAMED so the SDK can read FC's"
                    + " error answers)";
        }
        return new InvocationResult(
                outcome, answeredStatus, null, e.getClass().getSimpleName(), message, latencyNanos, httpAttempts);
    }

    private static boolean isThrottleCode(String code) {
        return "ResourceThrottled".equals(code) || "ResourceExhausted".equals(code);
    }

    /** The {@code errorMessage} of FC's function error body, else the body text itself (truncated). */
    static String functionErrorMessage(byte[] body) {
        if (body == null || body.length == 0) return null;
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.hasNonNull("errorMessage"))
                return truncate(node.get("errorMessage").asText());
        } catch (java.io.IOException | RuntimeException notJson) {
            // a function may fail with any body; fall through to the text
        }
        return truncate(new String(body, StandardCharsets.UTF_8));
    }

    /** Header lookup ignoring case: the SDK keeps the server's spelling and proxies may change it. */
    static String header(Map<String, String> headers, String name) {
        if (headers == null) return null;
        String exact = headers.get(name);
        if (exact != null) return exact;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey() != null && h.getKey().equalsIgnoreCase(name)) return h.getValue();
        }
        return null;
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
}
