package io.datahubfcsync.source.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.datahub.DataHubAuthException;
import io.datahubfcsync.datahub.DataHubFatalException;
import io.datahubfcsync.source.config.DataHubSourceConfig;
import io.datahubfcsync.source.testing.FakeDataHubClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Refused credentials are waited out for {@code credentials.failure-grace}, counted from the first refusal in a row. */
class CredentialFailuresTest {
    private final ReaderCounters counters = ReaderCounters.unregistered();
    private final CredentialFailures failures = new CredentialFailures(
            DataHubSourceConfig.builder()
                    .project("p")
                    .topic("t")
                    .clientFactory(FakeDataHubClient::new)
                    .credentialsFailureGrace(Duration.ofSeconds(60))
                    .build(),
            counters);

    private static DataHubAuthException refusal() {
        return new DataHubAuthException(
                DataHubAuthException.Reason.CREDENTIALS_REJECTED, "InvalidAccessKeyId: the key was rotated", null);
    }

    @Test
    void refusalsWithinTheGraceAreCountedAndWaitedOut() {
        failures.refused("0", 1_000, refusal());
        failures.refused("1", 60_999, refusal());
        assertThat(counters.credentialFailures()).isEqualTo(2);
    }

    @Test
    void refusalsLastingTheWholeGraceFailTheSourceNamingTheTopicShardAndLastAnswer() {
        failures.refused("0", 1_000, refusal());
        assertThatThrownBy(() -> failures.refused("3", 61_000, refusal()))
                .isInstanceOf(DataHubFatalException.class)
                .hasMessageContaining("for 60 s (credentials.failure-grace 60 s, 2 refused calls)")
                .hasMessageContaining("p/t shard 3")
                .hasMessageContaining("Last answer: InvalidAccessKeyId: the key was rotated");
    }

    @Test
    void anAcceptedCallStartsTheGraceAgain() {
        failures.refused("0", 1_000, refusal());
        failures.accepted();
        failures.refused("0", 61_000, refusal());
        failures.refused("0", 120_999, refusal());
        assertThat(counters.credentialFailures()).isEqualTo(3);
    }
}
