package io.datahubfcsync.datahub;

import com.aliyun.datahub.client.DatahubClient;
import com.aliyun.datahub.client.DatahubClientBuilder;
import com.aliyun.datahub.client.common.DatahubConfig;
import com.aliyun.datahub.client.http.HttpConfig;
import com.aliyun.datahub.client.model.CompressType;
import io.datahubfcsync.credentials.CredentialsSource;
import java.io.Serializable;
import java.util.Objects;

/**
 * Everything needed to reach DataHub from a TaskManager: endpoint, wire protocol and where the
 * credentials are; builds the seam's {@link DataHubClient}s and {@link DataHubSubscriptions}.
 * Serializable and secret-free; the clients themselves are not serializable and are built where
 * they are used.
 */
public final class DataHubConnection implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String endpoint;
    private final DataHubProtocol protocol;
    private final CredentialsSource credentials;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;

    public DataHubConnection(String endpoint, DataHubProtocol protocol, CredentialsSource credentials) {
        this(endpoint, protocol, credentials, 10_000, 30_000);
    }

    public DataHubConnection(
            String endpoint,
            DataHubProtocol protocol,
            CredentialsSource credentials,
            int connectTimeoutMs,
            int readTimeoutMs) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
    }

    public String endpoint() {
        return endpoint;
    }

    public DataHubProtocol protocol() {
        return protocol;
    }

    public CredentialsSource credentials() {
        return credentials;
    }

    /** The topic {@code project/topic} through this connection: reads, its description, writes. */
    public DataHubClient client(String project, String topic) {
        return new SdkDataHubClient(createSdkClient(), project, topic);
    }

    /**
     * Builds {@link #client}s of {@code project/topic} where they are used; serializable, so it
     * travels in the job graph instead of the client.
     */
    public DataHubClientFactory clientFactory(String project, String topic) {
        return new SdkDataHubClientFactory(this, project, topic);
    }

    /** The subscriptions of {@code project/topic} through this connection. */
    public DataHubSubscriptions subscriptions(String project, String topic) {
        return new SdkDataHubSubscriptions(createSdkClient(), project, topic);
    }

    /**
     * A new SDK client, for the local runner and tests that write to DataHub with the SDK itself;
     * job code goes through {@link #client} and {@link #subscriptions}. The SDK's own retry is left
     * off (maxRetryCount 1): the callers back off themselves, per error kind, and count what they
     * retry.
     */
    public DatahubClient createSdkClient() {
        DatahubConfig config =
                new DatahubConfig(endpoint, new RotatingAccount(credentials), protocol == DataHubProtocol.PROTOBUF);
        HttpConfig http = new HttpConfig()
                .setConnTimeout(connectTimeoutMs)
                .setReadTimeout(readTimeoutMs)
                .setMaxRetryCount(1)
                .setCompressType(CompressType.NONE);
        return DatahubClientBuilder.newBuilder()
                .setDatahubConfig(config)
                .setHttpConfig(http)
                .setUserAgent("datahub-fc-sync")
                .build();
    }

    @Override
    public String toString() {
        return "DataHubConnection{" + endpoint + ", " + protocol.key() + ", " + credentials.describe() + '}';
    }
}
