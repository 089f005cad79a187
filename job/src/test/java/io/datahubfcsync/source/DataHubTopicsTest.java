package io.datahubfcsync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.datahub.DataHubConnection;
import io.datahubfcsync.datahub.DataHubProtocol;
import io.datahubfcsync.datahub.TopicDescription;
import io.datahubfcsync.source.DataHubTopics.TopicCheckException;
import io.datahubfcsync.testing.DataHubEmulatorExtension;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The start-up check against the emulator: one clear exception per kind of mistake. */
class DataHubTopicsTest {
    @RegisterExtension
    static final DataHubEmulatorExtension DATAHUB = DataHubEmulatorExtension.withProject("proj");

    @BeforeAll
    static void createTopics() {
        DATAHUB.emulator().createTopic("proj", "t", 3, null);
    }

    private static DataHubConnection connection(String endpoint, CredentialsSource credentials) {
        return new DataHubConnection(endpoint, DataHubProtocol.PROTOBUF, credentials, 2_000, 5_000);
    }

    @Test
    void describesAnExistingTopic() {
        TopicDescription d = DataHubTopics.describe(
                connection(DATAHUB.emulator().endpoint(), CredentialsSource.fromEnvironment()), "proj", "t");
        assertThat(d.recordKind()).isEqualTo(TopicDescription.RecordKind.BLOB);
        assertThat(d.shardCount()).isEqualTo(3);
    }

    @Test
    void anUnknownTopicOrProjectIsNamed() {
        DataHubConnection c = connection(DATAHUB.emulator().endpoint(), CredentialsSource.fromEnvironment());
        assertThatThrownBy(() -> DataHubTopics.describe(c, "proj", "nope"))
                .isInstanceOf(TopicCheckException.class)
                .hasMessageContaining("proj/nope")
                .hasMessageContaining("does not exist")
                .extracting(e -> ((TopicCheckException) e).reason())
                .isEqualTo("PROJECT_OR_TOPIC_NOT_FOUND");
        assertThatThrownBy(() -> DataHubTopics.describe(c, "nope_proj", "t"))
                .isInstanceOf(TopicCheckException.class)
                .extracting(e -> ((TopicCheckException) e).reason())
                .isEqualTo("PROJECT_OR_TOPIC_NOT_FOUND");
    }

    @Test
    void rejectedCredentialsAreSaidSoWithoutTheSecret() {
        CredentialsSource wrong = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, "LTAI-someone-else",
                CredentialsSource.ENV_ACCESS_KEY_SECRET, "very-secret-value"));
        assertThatThrownBy(() ->
                        DataHubTopics.describe(connection(DATAHUB.emulator().endpoint(), wrong), "proj", "t"))
                .isInstanceOf(TopicCheckException.class)
                .hasMessageContaining("rejected the credentials")
                .hasMessageNotContaining("very-secret-value")
                .extracting(e -> ((TopicCheckException) e).reason())
                .isEqualTo("CREDENTIALS_REJECTED");
    }

    @Test
    void anUnreachableEndpointIsSaidSo() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        DataHubConnection c = connection("http://127.0.0.1:" + closedPort, CredentialsSource.fromEnvironment());
        assertThatThrownBy(() -> DataHubTopics.describe(c, "proj", "t"))
                .isInstanceOf(TopicCheckException.class)
                .hasMessageContaining("could not be reached")
                .extracting(e -> ((TopicCheckException) e).reason())
                .isEqualTo("ENDPOINT_UNREACHABLE");
    }
}
