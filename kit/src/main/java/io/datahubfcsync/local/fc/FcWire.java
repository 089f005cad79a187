package io.datahubfcsync.local.fc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * How one FC API version writes its answers, the only thing in which the emulator's two APIs answer
 * an invocation differently: the case of the {@code x-fc-*} response headers, the error body's
 * fields, and the standard message of an error code.
 *
 * <p>The case matters: FC 2.0's SDK finds the request id only under {@code X-Fc-Request-Id} written
 * exactly so, and maps only the capitalised error keys {@code ErrorCode} / {@code ErrorMessage}.
 * FC 3.0 sends its headers in lower case and its errors as {@code {"Code","Message","RequestId"}}.
 */
enum FcWire {
    /** FC 2.0, API 2016-08-15. */
    FC2("X-Fc-Request-Id", "X-Fc-Error-Type", "X-Fc-Log-Result", "ErrorCode", "ErrorMessage", null) {
        @Override
        String standardMessage(String code, String service, String function) {
            switch (code) {
                case "FunctionNotFound":
                    return "function '" + function + "' does not exist in service '" + service + "'";
                case "ServiceNotFound":
                    return "service '" + service + "' does not exist";
                default:
                    return code;
            }
        }
    },

    /** FC 3.0, API 2023-03-30: functions without services; the error body repeats the request id. */
    FC3("x-fc-request-id", "x-fc-error-type", "x-fc-log-result", "Code", "Message", "RequestId") {
        @Override
        String standardMessage(String code, String service, String function) {
            return "FunctionNotFound".equals(code) ? "function '" + function + "' does not exist." : code;
        }
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    final String requestIdHeader;
    final String errorTypeHeader;
    final String logResultHeader;
    private final String errorCodeField;
    private final String errorMessageField;
    /** Null when the error body does not carry the request id. */
    private final String errorRequestIdField;

    FcWire(
            String requestIdHeader,
            String errorTypeHeader,
            String logResultHeader,
            String errorCodeField,
            String errorMessageField,
            String errorRequestIdField) {
        this.requestIdHeader = requestIdHeader;
        this.errorTypeHeader = errorTypeHeader;
        this.logResultHeader = logResultHeader;
        this.errorCodeField = errorCodeField;
        this.errorMessageField = errorMessageField;
        this.errorRequestIdField = errorRequestIdField;
    }

    /** The message FC sends with {@code code} when nothing more specific is known. */
    abstract String standardMessage(String code, String service, String function);

    /** A response with the headers every answer carries: the request id and the date. */
    HttpMessage.Response.Builder base(int status, String requestId) {
        return HttpMessage.Response.status(status)
                .header(requestIdHeader, requestId)
                .header("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
    }

    HttpMessage.Response json(int status, String requestId, ObjectNode body) {
        return base(status, requestId)
                .header("Content-Type", "application/json")
                .body(body.toString())
                .build();
    }

    HttpMessage.Response error(String requestId, int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put(errorCodeField, code);
        body.put(errorMessageField, message);
        if (errorRequestIdField != null) body.put(errorRequestIdField, requestId);
        return json(status, requestId, body);
    }

    /** The error code of an answer made by {@link #error}, or null. */
    String errorCodeOf(HttpMessage.Response response) {
        try {
            return JSON.readTree(response.body()).path(errorCodeField).asText(null);
        } catch (IOException e) {
            return null;
        }
    }
}
