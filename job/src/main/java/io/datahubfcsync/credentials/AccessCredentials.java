package io.datahubfcsync.credentials;

import java.util.Objects;

/**
 * An Alibaba Cloud access key pair, optionally with an STS token. Never serialized into the job
 * graph and never printed: {@link #toString()} shows the key id only.
 */
public final class AccessCredentials {
    private final String accessKeyId;
    private final String accessKeySecret;
    private final String securityToken; // null unless STS

    public AccessCredentials(String accessKeyId, String accessKeySecret, String securityToken) {
        this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
        this.accessKeySecret = Objects.requireNonNull(accessKeySecret, "accessKeySecret");
        this.securityToken = securityToken == null || securityToken.isBlank() ? null : securityToken;
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String accessKeySecret() {
        return accessKeySecret;
    }

    /** The STS security token, or null for a long-term key. */
    public String securityToken() {
        return securityToken;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AccessCredentials)) return false;
        AccessCredentials c = (AccessCredentials) o;
        return accessKeyId.equals(c.accessKeyId)
                && accessKeySecret.equals(c.accessKeySecret)
                && Objects.equals(securityToken, c.securityToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accessKeyId, accessKeySecret, securityToken);
    }

    @Override
    public String toString() {
        return "AccessCredentials{accessKeyId=" + accessKeyId + ", secret=***"
                + (securityToken != null ? ", securityToken=***" : "") + '}';
    }
}
