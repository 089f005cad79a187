package io.datahubfcsync.datahub;

import com.aliyun.datahub.client.auth.Account;
import com.aliyun.datahub.client.auth.AliyunAccount;
import io.datahubfcsync.credentials.AccessCredentials;
import io.datahubfcsync.credentials.CredentialsSource;
import okhttp3.Request;

/**
 * A DataHub SDK {@link Account} that signs every request with the credentials current at that
 * moment, so a rotated STS token in the credentials file is used without rebuilding the client.
 */
final class RotatingAccount implements Account {
    private final CredentialsSource source;
    private AccessCredentials signedWith;
    private AliyunAccount delegate;

    RotatingAccount(CredentialsSource source) {
        this.source = source;
    }

    @Override
    public void addAuthHeaders(Request.Builder builder) {
        delegateFor(source.current()).addAuthHeaders(builder);
    }

    private synchronized AliyunAccount delegateFor(AccessCredentials c) {
        if (!c.equals(signedWith)) {
            delegate = c.securityToken() == null
                    ? new AliyunAccount(c.accessKeyId(), c.accessKeySecret())
                    : new AliyunAccount(c.accessKeyId(), c.accessKeySecret(), c.securityToken());
            signedWith = c;
        }
        return delegate;
    }

    @Override
    public String toString() {
        return "RotatingAccount{" + source.describe() + '}';
    }
}
