package io.datahubfcsync.local.fc;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alibaba Cloud's V3 request signature, ACS3-HMAC-SHA256, as FC 3.0 verifies it:
 *
 * <pre>
 * CanonicalRequest = METHOD \n pathname \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(SHA256(body))
 * StringToSign     = "ACS3-HMAC-SHA256\n" + hex(SHA256(CanonicalRequest))
 * Signature        = hex(HmacSHA256(AccessKeySecret, StringToSign))
 * Authorization: ACS3-HMAC-SHA256 Credential=&lt;AccessKeyId&gt;,SignedHeaders=&lt;a;b;c&gt;,Signature=&lt;hex&gt;
 * </pre>
 *
 * The pathname is taken as sent (already percent-encoded by the client); the query is decoded and
 * re-encoded with the RFC 3986 rules, sorted by name; each signed header is {@code name:trim(value)}
 * with the name lower-cased, in the order of the sorted SignedHeaders list.
 */
public final class Acs3Signature {
    public static final String ALGORITHM = "ACS3-HMAC-SHA256";

    private Acs3Signature() {}

    /** The parts of an {@code Authorization: ACS3-HMAC-SHA256 ...} header, or null if it is not one. */
    public record Authorization(String accessKeyId, List<String> signedHeaders, String signature) {
        public static Authorization parse(String header) {
            if (header == null || !header.startsWith(ALGORITHM + " ")) return null;
            Map<String, String> parts = new LinkedHashMap<>();
            for (String part : header.substring(ALGORITHM.length() + 1).split(",")) {
                int eq = part.indexOf('=');
                if (eq > 0)
                    parts.put(
                            part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
            String credential = parts.get("Credential");
            String signed = parts.get("SignedHeaders");
            String signature = parts.get("Signature");
            if (credential == null || signed == null || signature == null) return null;
            return new Authorization(credential, List.of(signed.split(";")), signature);
        }
    }

    /** The canonical request for a received request, over the headers its Authorization names. */
    public static String canonicalRequest(
            String method,
            String rawPath,
            String rawQuery,
            List<HttpMessage.Header> headers,
            List<String> signedHeaders,
            String hashedPayload) {
        TreeMap<String, String> signed = new TreeMap<>();
        for (String name : signedHeaders) {
            String lower = name.toLowerCase(Locale.ROOT);
            signed.put(lower, value(headers, lower));
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        signed.forEach((name, value) -> canonicalHeaders
                .append(name)
                .append(':')
                .append(value == null ? "" : value.trim())
                .append('\n'));
        return method
                + '\n'
                + rawPath
                + '\n'
                + canonicalQuery(rawQuery)
                + '\n'
                + canonicalHeaders
                + '\n'
                + String.join(";", signed.keySet())
                + '\n'
                + hashedPayload;
    }

    public static String stringToSign(String canonicalRequest) {
        return ALGORITHM + '\n' + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    public static String sign(String accessKeySecret, String stringToSign) {
        return HexFormat.of().formatHex(Digests.hmacSha256(accessKeySecret, stringToSign));
    }

    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(Digests.digest("SHA-256", data));
    }

    /** Sorted {@code name=value} pairs, RFC 3986-encoded, joined by {@code &}; "" for no query. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return "";
        TreeMap<String, String> params = new TreeMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(percentEncode(name), percentEncode(value));
        }
        List<String> out = new ArrayList<>();
        params.forEach((k, v) -> out.add(k + "=" + v));
        return String.join("&", out);
    }

    /** RFC 3986 unreserved characters stay, everything else is %XX (space is %20, '~' stays). */
    static String percentEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }

    static boolean matches(String expected, String actual) {
        return actual != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.US_ASCII),
                        actual.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    private static String value(List<HttpMessage.Header> headers, String lowerName) {
        for (HttpMessage.Header h : headers) {
            if (h.name().toLowerCase(Locale.ROOT).equals(lowerName)) return h.value();
        }
        return null;
    }
}
