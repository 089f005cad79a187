package io.datahubfcsync.local.fc;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One invocation request the FC emulator received, with how it was answered.
 *
 * @param service the FC 2.0 service, null for a call through the FC 3.0 API (functions without service)
 * @param qualifier alias or version from the path (FC 2.0) or the query (FC 3.0), null for none
 * @param payload the request body as received (empty for a bodiless request; truncated above 32 MB)
 * @param received when the request was parsed
 * @param finished when the answer was ready (after injected latency and the function's run)
 * @param httpStatus status sent, 0 when the connection was dropped
 * @param errorType the function error type sent ({@code X-Fc-Error-Type}), or the FC error code of an error
 *     status ({@code ErrorCode} in FC 2.0's body, {@code Code} in FC 3.0's), else null
 * @param injected true when a {@link Fault} decided the answer
 */
public record InvocationRecord(
        long index,
        String service,
        String qualifier,
        String function,
        byte[] payload,
        Instant received,
        Instant finished,
        Outcome outcome,
        int httpStatus,
        String requestId,
        String errorType,
        boolean injected) {

    /** How the emulator answered. */
    public enum Outcome {
        /** 200 with the function's output. */
        SUCCESS,
        /** 200 with {@code X-Fc-Error-Type} (the function threw, timed out, or an injected error). */
        FUNCTION_ERROR,
        /** An HTTP error status (auth, not found, throttled, platform, too large ...). */
        HTTP_ERROR,
        /** Connection closed without an answer. */
        DROPPED,
        /** 202: accepted for asynchronous execution. */
        ACCEPTED_ASYNC
    }

    public String payloadUtf8() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "InvocationRecord{#" + index + ' '
                + (service != null
                        ? service + (qualifier != null ? "." + qualifier : "") + '/' + function
                        : function + (qualifier != null ? ":" + qualifier : ""))
                + ' ' + outcome + ' ' + httpStatus + (errorType != null ? ' ' + errorType : "")
                + (injected ? " injected" : "") + ", " + payload.length + " bytes, requestId=" + requestId + '}';
    }
}
