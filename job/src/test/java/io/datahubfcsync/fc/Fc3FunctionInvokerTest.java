package io.datahubfcsync.fc;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.credentials.CredentialsSource;
import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.InvocationRecord;
import io.datahubfcsync.local.fc.TestFunctions;
import io.datahubfcsync.testing.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real FC 3.0 SDK ({@code com.aliyun:fc20230330}), through {@link Fc3FunctionInvoker}, against
 * the FC emulator's 2023-03-30 API over HTTP, with ACS3-HMAC-SHA256 signatures verified: the same
 * outcome classes as FC 2.0, and one HTTP request per attempt.
 */
class Fc3FunctionInvokerTest {
    private static final byte[] EVENT = "{\"records\":[{\"eventId\":\"0:1\"}]}".getBytes(StandardCharsets.UTF_8);

    private FcEmulator fc;
    private TestFunctions.Echo echo;

    @BeforeEach
    void start() {
        fc = FcEmulator.start();
        echo = new TestFunctions.Echo();
        fc.deployFunction3("echo", echo);
        fc.deployFunction3("throws", new TestFunctions.Throwing());
    }

    @AfterEach
    void stop() {
        fc.close();
    }

    private FcConnection.Builder connection(String function) {
        return FcConnection.builder().apiVersion(FcApiVersion.V3_2023_03_30).endpoint(fc.endpoint())
                .accountId(fc.accountId()).region(fc.region()).function(function).readTimeout(Duration.ofSeconds(5));
    }

    private InvocationResult invokeOnce(FcConnection.Builder c) {
        try (FunctionInvoker invoker = c.build().invokerFactory().create()) {
            return invoker.invoke(EVENT);
        }
    }

    @Test
    void withoutAServiceTheConnectionSpeaksFc3AndTheFunctionReceivesTheEventBytes() {
        FcConnection c = FcConnection.builder().endpoint(fc.endpoint()).accountId(fc.accountId()).region(fc.region())
                .function("echo").build();
        assertThat(c.apiVersion()).isEqualTo(FcApiVersion.V3_2023_03_30);
        assertThat(c.invokerFactory().create()).isInstanceOf(Fc3FunctionInvoker.class);

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.SUCCESS);
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.httpAttempts()).isEqualTo(1);
        InvocationRecord seen = fc.invocations().all().get(0);
        assertThat(seen.service()).as("an FC 3.0 call names no service").isNull();
        assertThat(seen.function()).isEqualTo("echo");
        assertThat(seen.payload()).isEqualTo(EVENT);
        assertThat(r.requestId()).isEqualTo(seen.requestId());
    }

    @Test
    void afterTheFirstCallTheSdksConnectionsAreTeaSockets() {
        try (FunctionInvoker invoker = connection("echo").build().invokerFactory().create()) {
            invoker.invoke(EVENT);

            assertThat(TeaSockets.applied()).as("every OkHttp client of the Tea runtime makes TeaSockets sockets")
                    .isTrue();
            byte[] large = new byte[64 * 1024];
            java.util.Arrays.fill(large, (byte) 'x');
            assertThat(invoker.invoke(large).outcome()).as("a body of several TCP segments on the new sockets")
                    .isEqualTo(InvocationOutcome.SUCCESS);
            for (int i = 0; i < 20; i++) {
                assertThat(invoker.invoke(EVENT).outcome()).as("call %d over a pooled connection checked by OkHttp", i)
                        .isEqualTo(InvocationOutcome.SUCCESS);
            }
        }
        assertThat(fc.invocations().all().get(1).payload()).hasSize(64 * 1024);
        assertThat(fc.invocations().total()).isEqualTo(22);
    }

    @Test
    void aServiceWithFc3IsRejectedSayingWhy() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> connection("echo").service("svc").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--fc.service 'svc' is not used by FC 3.0");
    }

    @Test
    void hostedFunctionExceptionIsAFunctionErrorWithItsMessage() {
        InvocationResult r = invokeOnce(connection("throws"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.FUNCTION_ERROR);
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.errorCode()).isEqualTo("UnhandledInvocationError");
        assertThat(r.errorMessage()).isNotBlank();
    }

    @Test
    void throttledIs429InOneRequest() {
        fc.faults().add(Fault.throttled());

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.THROTTLED);
        assertThat(r.httpStatus()).isEqualTo(429);
        assertThat(r.errorCode()).isEqualTo("ResourceThrottled");
        assertThat(fc.invocations().total()).isEqualTo(1);
    }

    @Test
    void serverErrorIsAPlatformErrorInOneRequestWithFcsMessageAndRequestId() {
        fc.faults().add(Fault.serverError());

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.PLATFORM_ERROR);
        assertThat(r.httpStatus()).isEqualTo(500);
        assertThat(r.errorCode()).isEqualTo("InternalServerError");
        assertThat(r.errorMessage()).isEqualTo("an internal error has occurred. Please retry.");
        assertThat(fc.invocations().total()).as("the SDK's retry is off").isEqualTo(1);
        assertThat(r.requestId()).isEqualTo(fc.invocations().all().get(0).requestId());
    }

    @Test
    void missingFunctionIsAClientError() {
        InvocationResult r = invokeOnce(connection("missing"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.CLIENT_ERROR);
        assertThat(r.httpStatus()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("FunctionNotFound");
        assertThat(r.errorMessage()).isEqualTo("function 'missing' does not exist.");
    }

    @Test
    void wrongSecretIsRejectedAsSignatureMismatchAndIsAnAuthFailure() {
        CredentialsSource wrong = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, FcEmulator.DEFAULT_ACCESS_KEY_ID,
                CredentialsSource.ENV_ACCESS_KEY_SECRET, "not-the-secret"));

        InvocationResult r = invokeOnce(connection("echo").credentials(wrong));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.AUTH_FAILURE);
        assertThat(r.httpStatus()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("SignatureNotMatch");
        assertThat(r.describe()).doesNotContain("not-the-secret");
        assertThat(echo.calls.get()).isZero();
    }

    @Test
    void unknownKeyIsAnAuthFailure() {
        CredentialsSource unknown = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, "LTAI-unknown",
                CredentialsSource.ENV_ACCESS_KEY_SECRET, "whatever"));

        InvocationResult r = invokeOnce(connection("echo").credentials(unknown));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.AUTH_FAILURE);
        assertThat(r.errorCode()).isEqualTo("InvalidAccessKeyID");
    }

    @Test
    void stsTokenIsSignedSentAndChecked() {
        fc.addStsCredentials("STS.key", "sts-secret", "sts-token-1");
        CredentialsSource sts = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, "STS.key",
                CredentialsSource.ENV_ACCESS_KEY_SECRET, "sts-secret",
                CredentialsSource.ENV_SECURITY_TOKEN, "sts-token-1"));
        CredentialsSource expired = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, "STS.key",
                CredentialsSource.ENV_ACCESS_KEY_SECRET, "sts-secret",
                CredentialsSource.ENV_SECURITY_TOKEN, "sts-token-0"));

        assertThat(invokeOnce(connection("echo").credentials(sts)).outcome()).isEqualTo(InvocationOutcome.SUCCESS);
        InvocationResult stale = invokeOnce(connection("echo").credentials(expired));
        assertThat(stale.errorCode()).isEqualTo("InvalidSecurityToken");
        assertThat(stale.outcome()).isEqualTo(InvocationOutcome.AUTH_FAILURE);
    }

    @Test
    void clockSkewBeyondFifteenMinutesIsRefusedAsAClientError() {
        fc.setClockSkew(Duration.ofMinutes(20));

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.errorCode()).isEqualTo("RequestTimeTooSkewed");
        assertThat(r.outcome()).as("a clock, not the credentials").isEqualTo(InvocationOutcome.CLIENT_ERROR);
    }

    @Test
    void qualifierGoesInTheQueryAndRoutesToTheAliasFunction() {
        fc.deployFunction3("named", new TestFunctions.Named("latest"));
        fc.deployFunction3("named", "prod", new TestFunctions.Named("prod"));

        InvocationResult prod = invokeOnce(connection("named").qualifier("prod"));
        InvocationResult latest = invokeOnce(connection("named"));
        InvocationResult missingAlias = invokeOnce(connection("named").qualifier("staging"));

        assertThat(prod.isSuccess()).isTrue();
        assertThat(latest.isSuccess()).isTrue();
        List<InvocationRecord> seen = fc.invocations().all();
        assertThat(seen.get(0).qualifier()).isEqualTo("prod");
        assertThat(seen.get(0).payloadUtf8()).isEqualTo(new String(EVENT, StandardCharsets.UTF_8));
        assertThat(seen.get(1).qualifier()).isNull();
        assertThat(missingAlias.errorCode()).isEqualTo("AliasNotFound");
        assertThat(missingAlias.outcome()).isEqualTo(InvocationOutcome.CLIENT_ERROR);
    }

    @Test
    void readTimeoutIsATimeout() {
        fc.faults().add(Fault.latency(Duration.ofMillis(1500)).times(1));

        InvocationResult r = invokeOnce(connection("echo").readTimeout(Duration.ofMillis(500)));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.TIMEOUT);
    }

    @Test
    void connectionRefusedIsANetworkError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        InvocationResult r = invokeOnce(connection("echo").endpoint("http://127.0.0.1:" + port));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.NETWORK);
    }

    @Test
    void droppedConnectionIsOneFailedAttemptWithoutAHiddenResend() {
        fc.faults().add(Fault.dropConnection().times(1));

        InvocationResult first = invokeOnce(connection("echo"));
        InvocationResult second = invokeOnce(connection("echo"));

        assertThat(first.outcome()).isEqualTo(InvocationOutcome.NETWORK);
        assertThat(second.outcome()).isEqualTo(InvocationOutcome.SUCCESS);
        assertThat(fc.invocations().total()).isEqualTo(2);
        assertThat(echo.calls.get()).isEqualTo(1);
    }

    @Test
    void rotatedCredentialsFileIsFollowedWithoutANewInvoker(@TempDir Path dir) throws IOException {
        fc.addAccessKey("LTAI-second", "second-secret");
        Path file = dir.resolve("credentials");
        Files.writeString(file, "access_key_id = " + FcEmulator.DEFAULT_ACCESS_KEY_ID + "\naccess_key_secret = "
                + FcEmulator.DEFAULT_ACCESS_KEY_SECRET + "\n");
        try (FunctionInvoker invoker = connection("echo").credentials(CredentialsSource.fromFile(file.toString()))
                .build().invokerFactory().create()) {
            assertThat(invoker.invoke(EVENT).outcome()).isEqualTo(InvocationOutcome.SUCCESS);

            fc.removeAccessKey(FcEmulator.DEFAULT_ACCESS_KEY_ID);
            assertThat(invoker.invoke(EVENT).outcome()).isEqualTo(InvocationOutcome.AUTH_FAILURE);
            Files.writeString(file, "# rotated\naccess_key_id = LTAI-second\naccess_key_secret = second-secret\n");

            Await.until("the invoker signs with the rotated key", Duration.ofSeconds(10),
                    () -> invoker.invoke(EVENT).isSuccess());
        }
    }
}
