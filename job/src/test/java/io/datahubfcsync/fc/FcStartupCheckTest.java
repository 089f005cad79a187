package io.datahubfcsync.fc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.TestFunctions;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GetService/GetFunction through the real SDK; every failure is one clear message, no secret. */
class FcStartupCheckTest {
    private static final String SECRET = "wrong-secret-must-not-leak";

    private FcEmulator fc;

    @BeforeEach
    void start() {
        fc = FcEmulator.start();
        fc.deployFunction("svc", "fn", new TestFunctions.Echo());
        fc.createService("empty");
    }

    @AfterEach
    void stop() {
        fc.close();
    }

    private FcConnection.Builder connection(String service, String function) {
        return FcConnection.builder()
                .endpoint(fc.endpoint() + "/")
                .accountId(fc.accountId())
                .region(fc.region())
                .service(service)
                .function(function)
                .connectTimeout(Duration.ofSeconds(2));
    }

    @Test
    void existingFunctionPassesAndReportsItsSettings() {
        FcStartupCheck.FunctionInfo info =
                FcStartupCheck.verify(connection("svc", "fn").build());

        assertThat(info.function()).isEqualTo("fn");
        assertThat(info.handler()).isEqualTo(TestFunctions.Echo.class.getName() + "::handleRequest");
        assertThat(info.timeoutSeconds()).isEqualTo(60);
    }

    @Test
    void missingServiceNamesServiceAndEndpoint() {
        assertThatThrownBy(
                        () -> FcStartupCheck.verify(connection("nosuch", "fn").build()))
                .isInstanceOf(FcStartupCheck.FcStartupCheckException.class)
                .hasMessageStartingWith("FC service 'nosuch' does not exist at " + fc.endpoint())
                .hasMessageContaining("Check fc.service");
    }

    @Test
    void missingFunctionNamesFunctionAndService() {
        assertThatThrownBy(() -> FcStartupCheck.verify(connection("empty", "fn").build()))
                .hasMessageStartingWith("FC function 'fn' does not exist in service 'empty' at " + fc.endpoint())
                .hasMessageContaining("Check fc.function");
    }

    @Test
    void missingQualifierIsNamed() {
        assertThatThrownBy(() -> FcStartupCheck.verify(
                        connection("svc", "fn").qualifier("prod").build()))
                .hasMessageStartingWith("FC qualifier 'prod' of service 'svc' does not exist")
                .hasMessageContaining("AliasNotFound");
    }

    @Test
    void rejectedCredentialsSayWhereTheyCameFromButNotTheSecret() {
        CredentialsSource wrong = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID,
                FcEmulator.DEFAULT_ACCESS_KEY_ID,
                CredentialsSource.ENV_ACCESS_KEY_SECRET,
                SECRET));

        assertThatThrownBy(() -> FcStartupCheck.verify(
                        connection("svc", "fn").credentials(wrong).build()))
                .hasMessageStartingWith("FC refused access to svc/fn")
                .hasMessageContaining("environment variables ALIBABA_CLOUD_ACCESS_KEY_ID")
                .hasMessageContaining("SignatureNotMatch")
                .satisfies(e -> assertThat(e.toString() + e.getCause()).doesNotContain(SECRET));
    }

    @Test
    void missingCredentialsAreExplained() {
        CredentialsSource none = CredentialsSource.fromEnvironment(Map.of());

        assertThatThrownBy(() -> FcStartupCheck.verify(
                        connection("svc", "fn").credentials(none).build()))
                .hasMessageStartingWith("Cannot check FC function svc/fn: No Alibaba Cloud credentials");
    }

    @Test
    void unreachableEndpointIsNamed() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closedPort;

        assertThatThrownBy(() -> FcStartupCheck.verify(
                        connection("svc", "fn").endpoint(endpoint).build()))
                .hasMessageStartingWith("Cannot reach FC endpoint " + endpoint + " to check svc/fn")
                .hasMessageContaining("Connection refused");
    }
}
