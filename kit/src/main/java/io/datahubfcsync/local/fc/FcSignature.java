package io.datahubfcsync.local.fc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * FC 2.0 request signature, computed the way the service does: HMAC-SHA256 over
 * {@code METHOD\nContent-MD5\nContent-Type\nDate\n} + every {@code x-fc*} header (lower-cased name,
 * sorted, {@code name:value\n}) + the URL-decoded path, Base64, sent as
 * {@code Authorization: FC <accessKeyId>:<signature>}.
 */
public final class FcSignature {
    private FcSignature() {}

    public static String stringToSign(String method, String decodedPath, List<HttpMessage.Header> headers) {
        StringBuilder sb = new StringBuilder(256)
                .append(method)
                .append('\n')
                .append(nullToEmpty(first(headers, "Content-MD5")))
                .append('\n')
                .append(nullToEmpty(first(headers, "Content-Type")))
                .append('\n')
                .append(nullToEmpty(first(headers, "Date")))
                .append('\n');
        Map<String, String> fcHeaders = new TreeMap<>();
        for (HttpMessage.Header h : headers) {
            String lower = h.name().toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-fc")) fcHeaders.put(lower, h.value());
        }
        fcHeaders.forEach((k, v) -> sb.append(k).append(':').append(v).append('\n'));
        return sb.append(decodedPath).toString();
    }

    public static String sign(String accessKeySecret, String stringToSign) {
        return Base64.getEncoder().encodeToString(Digests.hmacSha256(accessKeySecret, stringToSign));
    }

    /** Base64 of the raw MD5 digest, the form FC expects in {@code Content-MD5}. */
    public static String contentMd5(byte[] body) {
        return Base64.getEncoder().encodeToString(Digests.digest("MD5", body));
    }

    /** The path the signature covers: percent-decoded, '+' kept literally (it is not a query string). */
    public static String decodePath(String rawPath) {
        return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Constant-time comparison, so timing does not reveal how much of a forged signature matched. */
    static boolean matches(String expected, String actual) {
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }

    private static String first(List<HttpMessage.Header> headers, String name) {
        for (HttpMessage.Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) return h.value();
        }
        return null;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
