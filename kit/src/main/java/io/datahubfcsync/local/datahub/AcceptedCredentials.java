package io.datahubfcsync.local.datahub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access keys (and STS tokens) the emulator accepts, and the check of each request's
 * signature against them. Messages name the access key id at most, never a secret or token.
 */
final class AcceptedCredentials {
    private record Entry(String secret, String securityToken) {}

    private final Map<String, Entry> byKeyId = new ConcurrentHashMap<>();

    void accept(String accessKeyId, String accessKeySecret, String securityToken) {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(accessKeySecret, "accessKeySecret");
        byKeyId.put(
                accessKeyId,
                new Entry(accessKeySecret, securityToken == null || securityToken.isEmpty() ? null : securityToken));
    }

    void revoke(String accessKeyId) {
        byKeyId.remove(accessKeyId);
    }

    /** Throws {@code Unauthorized} unless the request is signed by an accepted key (with its STS token). */
    void verify(String method, Map<String, String> headers, String rawPath, String query) {
        String auth = headers.get("authorization");
        if (auth == null || !auth.startsWith("DATAHUB ") || auth.indexOf(':') < 0) {
            throw ServiceError.unauthorized(
                    "The request is not signed: Authorization 'DATAHUB <AccessKeyId>:<Signature>' is required.");
        }
        String credential = auth.substring("DATAHUB ".length());
        int colon = credential.lastIndexOf(':');
        String keyId = credential.substring(0, colon);
        String signature = credential.substring(colon + 1).trim();
        Entry e = byKeyId.get(keyId);
        if (e == null) {
            throw ServiceError.unauthorized("The AccessKeyId '" + keyId + "' is not known.");
        }
        String expected = RequestSignature.compute(method, headers, rawPath, query, e.secret());
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))) {
            throw ServiceError.unauthorized(
                    "The request signature does not match for AccessKeyId '" + keyId + "': check the AccessKeySecret.");
        }
        String token = headers.get("x-datahub-security-token");
        if (e.securityToken() != null && !e.securityToken().equals(token)) {
            throw ServiceError.unauthorized(
                    "The security token is missing or invalid for AccessKeyId '" + keyId + "'.");
        }
        if (e.securityToken() == null && token != null) {
            throw ServiceError.unauthorized(
                    "AccessKeyId '" + keyId + "' is a long-term key; it takes no security token.");
        }
    }
}
