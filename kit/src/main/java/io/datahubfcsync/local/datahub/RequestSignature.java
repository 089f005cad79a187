package io.datahubfcsync.local.datahub;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * DataHub's request signature, computed the way SDK 2.21.6 computes it:
 * {@code base64(HmacSHA1(secret, METHOD \n content-type \n date \n x-datahub-k:v... \n path[?query]))}
 * over the lower-cased content-type, date and x-datahub-* headers sorted by name (content-type
 * empty when absent). The body is not signed; the STS token header is.
 */
final class RequestSignature {
    private RequestSignature() {}

    /**
     * @param headers     request headers, any case, first value of each
     * @param rawPath     the encoded path as sent
     * @param query       the decoded query, or null
     */
    static String compute(String method, Map<String, String> headers, String rawPath, String query, String secret) {
        TreeMap<String, String> signed = new TreeMap<>();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String k = h.getKey().toLowerCase(Locale.ROOT);
            if (k.equals("content-type") || k.equals("date") || k.startsWith("x-datahub-")) {
                signed.put(k, h.getValue());
            }
        }
        signed.putIfAbsent("content-type", "");
        StringBuilder canonical = new StringBuilder(method.toUpperCase(Locale.ROOT)).append('\n');
        for (Iterator<Map.Entry<String, String>> it = signed.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, String> e = it.next();
            if (e.getKey().startsWith("x-datahub-"))
                canonical.append(e.getKey()).append(':');
            canonical.append(e.getValue());
            if (it.hasNext()) canonical.append('\n');
        }
        canonical.append('\n').append(rawPath);
        if (query != null && !query.isEmpty()) canonical.append('?').append(query);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required by every JDK", e);
        }
    }
}
