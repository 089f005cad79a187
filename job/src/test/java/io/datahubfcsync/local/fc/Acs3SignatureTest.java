package io.datahubfcsync.local.fc;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.tea.TeaRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The emulator's ACS3-HMAC-SHA256 verification against the reference: the signer of the Tea OpenAPI
 * runtime that the FC 3.0 SDK uses ({@code com.aliyun.openapiutil.Client#getAuthorization}), over a
 * request with characters that need encoding in the path and the query, and an STS token.
 */
class Acs3SignatureTest {
    private static final String SECRET = "reference-secret";

    private static TeaRequest request(Map<String, String> headers) {
        TeaRequest r = new TeaRequest();
        r.method = "POST";
        r.pathname = "/2023-03-30/functions/my%20fn/invocations";
        r.query = new LinkedHashMap<>(Map.of("qualifier", "prod v1", "a*b", "~x/y"));
        r.headers = new LinkedHashMap<>(headers);
        return r;
    }

    private static Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("host", "127.0.0.1:4711");
        h.put("x-acs-version", "2023-03-30");
        h.put("x-acs-action", "InvokeFunction");
        h.put("x-acs-date", "2026-12-01T09:30:00Z");
        h.put("x-acs-signature-nonce", "5b2c5e7e-0c52-4d36-9e8a-1f2b3c4d5e6f");
        h.put("content-type", "application/octet-stream");
        h.put("x-acs-content-sha256", Acs3Signature.sha256Hex("{\"records\":[]}".getBytes(StandardCharsets.UTF_8)));
        h.put("x-acs-accesskey-id", "STS.reference");
        h.put("x-acs-security-token", "token with spaces ");
        h.put("x-fc-log-type", "None"); // not signed by the SDK
        h.put("accept", "application/json");
        return h;
    }

    /** The query as the Tea runtime puts it on the wire ({@code Tea.composeUrl}: form encoding). */
    private static String wireQuery(Map<String, String> query) {
        List<String> pairs = new ArrayList<>();
        query.forEach((k, v) -> pairs.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", pairs);
    }

    private static List<HttpMessage.Header> wireHeaders(Map<String, String> headers) {
        List<HttpMessage.Header> out = new ArrayList<>();
        headers.forEach((k, v) -> out.add(new HttpMessage.Header(k, v)));
        return out;
    }

    private static String emulatorSignature(TeaRequest r, Acs3Signature.Authorization auth) {
        String canonical = Acs3Signature.canonicalRequest(
                r.method,
                r.pathname,
                wireQuery(r.query),
                wireHeaders(r.headers),
                auth.signedHeaders(),
                r.headers.get("x-acs-content-sha256"));
        return Acs3Signature.sign(SECRET, Acs3Signature.stringToSign(canonical));
    }

    @Test
    void theEmulatorComputesExactlyTheSignatureTheSdksSignerProduces() throws Exception {
        TeaRequest r = request(headers());
        String sdkAuthorization = com.aliyun.openapiutil.Client.getAuthorization(
                r, Acs3Signature.ALGORITHM, r.headers.get("x-acs-content-sha256"), "STS.reference", SECRET);

        Acs3Signature.Authorization auth = Acs3Signature.Authorization.parse(sdkAuthorization);

        assertThat(auth.accessKeyId()).isEqualTo("STS.reference");
        assertThat(auth.signedHeaders())
                .containsExactly(
                        "content-type",
                        "host",
                        "x-acs-accesskey-id",
                        "x-acs-action",
                        "x-acs-content-sha256",
                        "x-acs-date",
                        "x-acs-security-token",
                        "x-acs-signature-nonce",
                        "x-acs-version");
        assertThat(emulatorSignature(r, auth)).isEqualTo(auth.signature());
    }

    @Test
    void aChangedSignedHeaderOrQueryValueOrSecretNoLongerMatchesButAnUnsignedHeaderDoes() throws Exception {
        TeaRequest r = request(headers());
        Acs3Signature.Authorization auth =
                Acs3Signature.Authorization.parse(com.aliyun.openapiutil.Client.getAuthorization(
                        r, Acs3Signature.ALGORITHM, r.headers.get("x-acs-content-sha256"), "STS.reference", SECRET));

        TeaRequest otherToken = request(headers());
        otherToken.headers.put("x-acs-security-token", "another token");
        TeaRequest otherQualifier = request(headers());
        otherQualifier.query.put("qualifier", "prod v2");
        TeaRequest otherLogType = request(headers());
        otherLogType.headers.put("x-fc-log-type", "Tail");

        assertThat(emulatorSignature(otherToken, auth)).isNotEqualTo(auth.signature());
        assertThat(emulatorSignature(otherQualifier, auth)).isNotEqualTo(auth.signature());
        assertThat(emulatorSignature(otherLogType, auth)).isEqualTo(auth.signature());
        String canonical = Acs3Signature.canonicalRequest(
                r.method,
                r.pathname,
                wireQuery(r.query),
                wireHeaders(r.headers),
                auth.signedHeaders(),
                r.headers.get("x-acs-content-sha256"));
        assertThat(Acs3Signature.sign("wrong-secret", Acs3Signature.stringToSign(canonical)))
                .isNotEqualTo(auth.signature());
    }
}
