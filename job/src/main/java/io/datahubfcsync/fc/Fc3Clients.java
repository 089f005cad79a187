package io.datahubfcsync.fc;

import com.aliyun.credentials.models.CredentialModel;
import com.aliyun.credentials.provider.AlibabaCloudCredentialsProvider;
import com.aliyun.fc20230330.Client;
import com.aliyun.teaopenapi.models.Config;
import com.aliyun.teautil.models.RuntimeOptions;
import io.datahubfcsync.credentials.AccessCredentials;
import io.datahubfcsync.credentials.CredentialsSource;
import java.net.URI;

/**
 * Builds FC 3.0 SDK clients ({@code com.aliyun:fc20230330}) for a connection. The SDK signs every
 * request with whatever its credentials provider returns at that moment, so one client per subtask
 * follows rotated credentials without being rebuilt.
 */
final class Fc3Clients {
    /** Idle connections kept per endpoint: enough for {@code delivery.max-concurrency} calls in flight. */
    private static final int KEEP_ALIVE_CONNECTIONS = 128;

    private Fc3Clients() {}

    static Client create(FcConnection c) {
        URI endpoint = URI.create(c.endpoint());
        // the Tea runtime wants host[:port] and the protocol apart; a scheme in the endpoint breaks its URL
        String host = endpoint.getPort() > 0 ? endpoint.getHost() + ":" + endpoint.getPort() : endpoint.getHost();
        Config config = new Config()
                .setCredential(new com.aliyun.credentials.Client(new SourceProvider(c.credentials())))
                .setEndpoint(host)
                .setProtocol(endpoint.getScheme().equalsIgnoreCase("https") ? "HTTPS" : "HTTP")
                .setRegionId(c.region())
                .setConnectTimeout(c.connectTimeoutMillis())
                .setReadTimeout(c.readTimeoutMillis())
                .setUserAgent("datahub-fc-sync");
        try {
            return new Client(config);
        } catch (Exception e) {
            throw new IllegalArgumentException("the FC 3.0 SDK rejected the settings: " + e.getMessage(), e);
        }
    }

    /**
     * Per call: exactly one HTTP request (no SDK retry, whatever the failure), with the connection's
     * timeouts. The job's retry policy decides about another attempt.
     */
    static RuntimeOptions singleAttempt(FcConnection c) {
        return new RuntimeOptions()
                .setAutoretry(false)
                .setMaxAttempts(1)
                .setConnectTimeout(c.connectTimeoutMillis())
                .setReadTimeout(c.readTimeoutMillis())
                .setMaxIdleConns(KEEP_ALIVE_CONNECTIONS);
    }

    /**
     * The job's {@link CredentialsSource} in the shape the Tea runtime asks for credentials, read per
     * request. The SDK's model of them is built again only when the source returns other credentials
     * than last time, so a rotation takes effect on the next request.
     */
    private static final class SourceProvider implements AlibabaCloudCredentialsProvider {
        private final CredentialsSource source;
        private volatile Modelled last; // the credentials last read and their model, one pair

        SourceProvider(CredentialsSource source) {
            this.source = source;
        }

        @Override
        public CredentialModel getCredentials() {
            AccessCredentials c = source.current();
            Modelled m = last;
            if (m == null || !m.credentials.equals(c)) {
                m = new Modelled(c, model(c));
                last = m;
            }
            return m.model;
        }

        private static CredentialModel model(AccessCredentials c) {
            boolean sts = c.securityToken() != null;
            return CredentialModel.builder()
                    .accessKeyId(c.accessKeyId())
                    .accessKeySecret(c.accessKeySecret())
                    .securityToken(c.securityToken())
                    .type(sts ? "sts" : "access_key")
                    .providerName(sts ? "static_sts" : "static_ak")
                    .build();
        }

        /** Credentials and the SDK's model of them, published together. */
        private record Modelled(AccessCredentials credentials, CredentialModel model) {}

        @Override
        public String getProviderName() {
            return source.describe();
        }

        @Override
        public void close() {}
    }
}
