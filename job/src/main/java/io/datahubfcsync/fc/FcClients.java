package io.datahubfcsync.fc;

import com.aliyuncs.fc.client.FunctionComputeClient;
import com.aliyuncs.fc.config.Config;
import io.datahubfcsync.credentials.AccessCredentials;

/** Builds FC SDK clients for a connection and one set of credentials. */
final class FcClients {
    private FcClients() {}

    static FunctionComputeClient create(FcConnection c, AccessCredentials credentials) {
        Config config = new Config(
                c.region(),
                c.accountId(),
                credentials.accessKeyId(),
                credentials.accessKeySecret(),
                credentials.securityToken(),
                c.endpoint().startsWith("https://"));
        config.setEndpoint(c.endpoint());
        config.setConnectTimeoutMillis(c.connectTimeoutMillis());
        config.setReadTimeoutMillis(c.readTimeoutMillis());
        return new FunctionComputeClient(config);
    }
}
