package io.datahubfcsync.fc;

import com.aliyun.fc20230330.Client;
import com.aliyun.teaopenapi.models.OpenApiRequest;
import com.aliyun.teaopenapi.models.Params;
import com.aliyun.teautil.models.RuntimeOptions;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.util.HashMap;
import java.util.Map;

/**
 * FC 3.0's InvokeFunction for one function, made through the SDK's generic {@code callApi} with
 * the operation's description built once per invoker.
 *
 * <p>The SDK's generated {@code invokeFunctionWithOptions} describes the same operation anew for
 * every call, by reflection over its request models, and hands the body over as a stream that the
 * runtime then copies into a new array to hash it. Here the description ({@link Params}: action,
 * version, path, method, ROA style, binary answer) and the headers are immutable and shared by
 * all calls, and the event goes in as the byte array it already is (request body type
 * {@code byte}), which the runtime hashes and sends without a copy. The request on the wire is the
 * generated method's: the same path, query, {@code x-fc-*} headers and
 * {@code content-type: application/octet-stream}, signed the same way by the same runtime.
 */
final class Fc3InvokeCall {
    /** The headers of a synchronous invocation with no log tail, as the generated method sets them. */
    private static final Map<String, String> HEADERS = Map.of(
            "x-fc-invocation-type", "Sync",
            "x-fc-log-type", "None",
            "content-type", "application/octet-stream");

    private final Params params;
    private final Map<String, String> query;

    Fc3InvokeCall(String function, String qualifier) {
        this.params = new Params()
                .setAction("InvokeFunction")
                .setVersion(FcApiVersion.V3_2023_03_30.id())
                .setProtocol("HTTPS") // the client's configured protocol takes precedence, as for the generated method
                .setPathname("/2023-03-30/functions/" + encodedPathSegment(function) + "/invocations")
                .setMethod("POST")
                .setAuthType("AK")
                .setStyle("ROA")
                .setReqBodyType("byte")
                .setBodyType("binary");
        this.query = qualifier == null ? Map.of() : Map.of("qualifier", qualifier);
    }

    /** One synchronous invocation with {@code event} as the body: one HTTP request under {@code runtime}. */
    Answer invoke(Client client, byte[] event, RuntimeOptions runtime) throws Exception {
        OpenApiRequest request =
                new OpenApiRequest().setHeaders(HEADERS).setQuery(query).setBody(event);
        Map<String, ?> answer = client.callApi(params, request, runtime);
        Object status = answer.get("statusCode");
        return new Answer(
                status instanceof Number n ? n.intValue() : null,
                stringValues((Map<?, ?>) answer.get("headers")),
                (InputStream) answer.get("body"));
    }

    /** The status, headers and (still unread) body of a 2xx answer; other answers are thrown by the SDK. */
    record Answer(Integer statusCode, Map<String, String> headers, InputStream body) {}

    /** The function name as one path segment, encoded by the SDK's own rule for path parameters. */
    private static String encodedPathSegment(String function) {
        try {
            return com.aliyun.openapiutil.Client.getEncodeParam(function);
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is not available", e);
        }
    }

    private static Map<String, String> stringValues(Map<?, ?> headers) {
        Map<String, String> out = new HashMap<>();
        if (headers == null) return out;
        headers.forEach((k, v) -> {
            if (k != null && v != null) out.put(String.valueOf(k), String.valueOf(v));
        });
        return out;
    }
}
