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

/** FC 3.0's GetFunction with the qualifier through the real 3.0 SDK; every failure is one clear paragraph, no secret. */
class Fc3StartupCheckTest {
    private static final String SECRET = "wrong-secret-must-not-leak";

    private FcEmulator fc;

    @BeforeEach
    void start() {
        fc = FcEmulator.start();
        fc.deployFunction3("fn", new TestFunctions.Echo());
        fc.deployFunction3("fn", "prod", new TestFunctions.Echo(), 120);
    }

    @AfterEach
    void stop() {
        fc.close();
    }

    private FcConnection.Builder connection(String function) {
        return FcConnection.builder()
                .endpoint(fc.endpoint() + "/")
                .accountId(fc.accountId())
                .region(fc.region())
                .function(function)
                .connectTimeout(Duration.ofSeconds(2));
    }

    @Test
    void existingFunctionPassesAndReportsTheSettingsOfTheQualifier() {
        FcStartupCheck.FunctionInfo latest =
                FcStartupCheck.verify(connection("fn").build());
        FcStartupCheck.FunctionInfo prod =
                FcStartupCheck.verify(connection("fn").qualifier("prod").build());

        assertThat(latest.function()).isEqualTo("fn");
        assertThat(latest.service()).isNull();
        assertThat(latest.handler()).isEqualTo(TestFunctions.Echo.class.getName() + "::handleRequest");
        assertThat(latest.timeoutSeconds()).isEqualTo(60);
        assertThat(prod.timeoutSeconds()).isEqualTo(120);
    }

    @Test
    void missingFunctionNamesFunctionEndpointAndTheFc2Alternative() {
        assertThatThrownBy(() -> FcStartupCheck.verify(connection("nofn").build()))
                .isInstanceOf(FcStartupCheck.FcStartupCheckException.class)
                .hasMessageStartingWith("FC function 'nofn' does not exist at " + fc.endpoint())
                .hasMessageContaining("FC 3.0 API 2023-03-30")
                .hasMessageContaining("Check fc.function")
                .hasMessageContaining("--fc.api-version 2016-08-15 and --fc.service")
                .hasMessageContaining("FunctionNotFound");
    }

    @Test
    void missingQualifierNamesTheQualifier() {
        assertThatThrownBy(() -> FcStartupCheck.verify(
                        connection("fn").qualifier("staging").build()))
                .hasMessageStartingWith("FC qualifier 'staging' of function 'fn' does not exist")
                .hasMessageContaining("Check fc.qualifier");
    }

    @Test
    void wrongSecretSaysTheSignatureWasRejectedAndNeverShowsTheSecret() {
        CredentialsSource wrong = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID,
                FcEmulator.DEFAULT_ACCESS_KEY_ID,
                CredentialsSource.ENV_ACCESS_KEY_SECRET,
                SECRET));

        assertThatThrownBy(() -> FcStartupCheck.verify(
                        connection("fn").credentials(wrong).build()))
                .hasMessageStartingWith("FC rejected the signature of the check of fn")
                .hasMessageContaining("SignatureNotMatch")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void unknownKeyIsAccessDeniedNamingTheCredentialSourceAndTheRamActions() {
        CredentialsSource unknown = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, "LTAI-unknown", CredentialsSource.ENV_ACCESS_KEY_SECRET, SECRET));

        assertThatThrownBy(() -> FcStartupCheck.verify(
                        connection("fn").credentials(unknown).build()))
                .hasMessageStartingWith("FC refused access to fn")
                .hasMessageContaining("environment variables")
                .hasMessageContaining("fc:GetFunction and fc:InvokeFunction")
                .hasMessageContaining("InvalidAccessKeyID")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void unreachableEndpointSaysSo() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> FcStartupCheck.verify(
                        connection("fn").endpoint("http://127.0.0.1:" + port).build()))
                .hasMessageStartingWith("Cannot reach FC endpoint http://127.0.0.1:" + port + " to check fn")
                .hasMessageContaining("Check fc.endpoint");
    }
}
