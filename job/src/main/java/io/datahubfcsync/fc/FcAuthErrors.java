package io.datahubfcsync.fc;

import java.util.Set;

/**
 * Which FC error answers mean "these credentials were refused" rather than "this call failed":
 * unknown key id, a signature made with another secret, a missing, wrong or expired STS token, or a
 * RAM policy that does not allow the call. The same codes in FC 2.0 and FC 3.0.
 */
final class FcAuthErrors {
    private static final Set<String> CODES = Set.of(
            "InvalidAccessKeyID",
            "InvalidAccessKeyId",
            "InvalidAccessKeyId.NotFound",
            "InvalidAccessKeyId.Inactive",
            "SignatureNotMatch",
            "SignatureDoesNotMatch",
            "InvalidSecurityToken",
            "InvalidSecurityToken.Expired",
            "InvalidSecurityToken.Malformed",
            "SecurityTokenExpired",
            "AccessDenied",
            "Forbidden",
            "Forbidden.RAM",
            "Unauthorized",
            "MissingCredentials");

    /** A clock far off is an operator's problem, not the credentials': it stays a client error. */
    private static final String CLOCK_SKEW = "RequestTimeTooSkewed";

    private FcAuthErrors() {}

    static boolean isAuthFailure(int status, String code) {
        if (CLOCK_SKEW.equals(code)) return false;
        if (code != null && CODES.contains(code)) return true;
        return status == 401 || status == 403;
    }
}
