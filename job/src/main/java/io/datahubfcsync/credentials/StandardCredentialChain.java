package io.datahubfcsync.credentials;

import com.aliyun.credentials.exception.CredentialException;
import com.aliyun.credentials.models.CredentialModel;
import com.aliyun.credentials.provider.DefaultCredentialsProvider;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Alibaba Cloud's standard credential chain, from the vendor's library ({@code com.aliyun:credentials-java}),
 * in the order it tries its sources: Java system properties, environment variables, OIDC role
 * assumption (RRSA on ACK), the CLI profile, the credentials file, the ECS RAM role, a credentials
 * URI. Temporary credentials (OIDC, ECS role, URI) are cached by the library and refreshed before
 * they expire, so asking for every request is cheap and always current.
 */
final class StandardCredentialChain {
    /** What the chain tries, in its order, for messages. */
    static final String SOURCES = "Java system properties alibabacloud.accessKeyId/alibabacloud.accessKeySecret"
            + " (+ alibabacloud.sessionToken); "
            + "environment variables ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET"
            + " (+ ALIBABA_CLOUD_SECURITY_TOKEN); OIDC role assumption, RRSA on ACK (ALIBABA_CLOUD_ROLE_ARN,"
            + " ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE); the CLI profile ~/.aliyun/config.json"
            + " (ALIBABA_CLOUD_PROFILE); the credentials file ~/.alibabacloud/credentials.ini"
            + " (ALIBABA_CLOUD_CREDENTIALS_FILE); the ECS RAM role (instance metadata, off with"
            + " ALIBABA_CLOUD_ECS_METADATA_DISABLED=true); ALIBABA_CLOUD_CREDENTIALS_URI";

    /** Parts of the library's messages that may quote a server's answer, which can hold a secret. */
    private static final Pattern QUOTED_ANSWER = Pattern.compile("(?is)(result|response|content)\\s*(is)?\\s*:.*");

    private final DefaultCredentialsProvider provider = new DefaultCredentialsProvider();
    private volatile String lastSource;

    AccessCredentials current() {
        CredentialModel m;
        try {
            m = provider.getCredentials();
        } catch (CredentialException | IllegalArgumentException | IllegalStateException e) {
            throw new CredentialsSource.MissingCredentialsException("No Alibaba Cloud credentials: set the environment"
                    + " variables " + CredentialsSource.ENV_ACCESS_KEY_ID + " and "
                    + CredentialsSource.ENV_ACCESS_KEY_SECRET + " (and " + CredentialsSource.ENV_SECURITY_TOKEN
                    + " for STS) on every Flink process, use another source of the standard Alibaba Cloud credential"
                    + " chain, or pass --credentials.file <path>. The chain tried, in order: " + SOURCES
                    + ". What each said: " + redact(e.getMessage()));
        }
        if (m == null || isBlank(m.getAccessKeyId()) || isBlank(m.getAccessKeySecret())) {
            throw new CredentialsSource.MissingCredentialsException("The standard Alibaba Cloud credential chain"
                    + " returned no access key" + (m != null ? " from " + sourceName(m.getProviderName()) : ""));
        }
        lastSource = sourceName(m.getProviderName());
        return new AccessCredentials(
                m.getAccessKeyId().trim(), m.getAccessKeySecret().trim(), m.getSecurityToken());
    }

    /** The source that answered last, e.g. "environment variables", or null before the first success. */
    String lastSource() {
        return lastSource;
    }

    /** "default/env", "default/profile/static_ak" and the like, as the library names its providers, in words. */
    static String sourceName(String providerName) {
        if (providerName == null) return "an unnamed source";
        String p = providerName.toLowerCase(Locale.ROOT);
        if (p.startsWith("default/")) p = p.substring("default/".length());
        int slash = p.indexOf('/');
        switch (slash < 0 ? p : p.substring(0, slash)) {
            case "system":
                return "Java system properties";
            case "env":
                return "environment variables";
            case "oidc_role_arn":
                return "OIDC role assumption (RRSA)";
            case "cli_profile":
                return "the Alibaba Cloud CLI profile";
            case "profile":
                return "the credentials file (credentials.ini)";
            case "ecs_ram_role":
                return "the ECS RAM role";
            case "credentials_uri":
                return "ALIBABA_CLOUD_CREDENTIALS_URI";
            case "ram_role_arn":
                return "a RAM role assumed from a profile";
            default:
                return providerName;
        }
    }

    private static String redact(String message) {
        if (message == null) return "nothing";
        String m = QUOTED_ANSWER.matcher(message).replaceAll("$1: (answer not shown)");
        return m.length() <= 2000 ? m : m.substring(0, 2000) + "...";
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
