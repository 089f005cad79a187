package io.datahubfcsync.local.fc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The digests FC's two request signatures are made of. Every Java platform must provide these
 * algorithms, so their absence is an error of the JDK, not of a request.
 */
final class Digests {
    private Digests() {}

    /** HMAC-SHA256 of {@code text} (UTF-8) under {@code key} (UTF-8), as both signatures compute it. */
    static byte[] hmacSha256(String key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** {@code algorithm} ("SHA-256", "MD5") of {@code data}. */
    static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }
}
