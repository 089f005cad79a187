package io.datahubfcsync.fc;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.fc.runtime.StreamRequestHandler;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the job needs of an invoker, whichever FC API the function is called through: the real SDK
 * of that version (FC 2.0 {@link SdkFunctionInvoker}, FC 3.0 {@link Fc3FunctionInvoker}) against
 * the FC emulator over HTTP with its signatures verified, the same outcome for the same answer,
 * and one HTTP request per attempt. What only one version does is tested in that version's test.
 */
class FunctionInvokerContractTest {
    private static final byte[] EVENT = "{\"records\":[{\"eventId\":\"0:1\"}]}".getBytes(StandardCharsets.UTF_8);
    private static final String SERVICE = "svc";

    private FcEmulator fc;
    private TestFunctions.Echo echo;

    @BeforeEach
    void start() {
        fc = FcEmulator.start();
        echo = new TestFunctions.Echo();
    }

    @AfterEach
    void stop() {
        fc.close();
    }

    /** Deploys {@code handler} as {@code function} where calls of {@code version} find it. */
    private void deploy(FcApiVersion version, String function, String qualifier, StreamRequestHandler handler) {
        switch (version) {
            case V2_2016_08_15 -> fc.deployFunction(SERVICE, qualifier, function, handler);
            case V3_2023_03_30 -> fc.deployFunction3(function, qualifier, handler);
        }
    }

    private void deployEchoAndThrowing(FcApiVersion version) {
        deploy(version, "echo", null, echo);
        deploy(version, "throws", null, new TestFunctions.Throwing());
    }

    private FcConnection.Builder connection(FcApiVersion version, String function) {
        FcConnection.Builder b = FcConnection.builder()
                .apiVersion(version)
                .endpoint(fc.endpoint())
                .accountId(fc.accountId())
                .region(fc.region())
                .function(function)
                .readTimeout(Duration.ofSeconds(5));
        return version == FcApiVersion.V2_2016_08_15 ? b.service(SERVICE) : b;
    }

    private static InvocationResult invokeOnce(FcConnection.Builder c) {
        try (FunctionInvoker invoker = c.build().invokerFactory().create()) {
            return invoker.invoke(EVENT);
        }
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void successCarriesTheRequestIdAndTheEventBytesInOneHttpAttempt(FcApiVersion version) {
        deployEchoAndThrowing(version);

        InvocationResult r = invokeOnce(connection(version, "echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.SUCCESS);
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.httpAttempts()).isEqualTo(1);
        InvocationRecord seen = fc.invocations().all().get(0);
        assertThat(r.requestId()).isNotBlank().isEqualTo(seen.requestId());
        assertThat(seen.function()).isEqualTo("echo");
        assertThat(seen.payload()).isEqualTo(EVENT);
        assertThat(echo.calls.get()).isEqualTo(1);
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void hostedFunctionExceptionIsAFunctionErrorWithItsMessage(FcApiVersion version) {
        deployEchoAndThrowing(version);

        InvocationResult r = invokeOnce(connection(version, "throws"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.FUNCTION_ERROR);
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.errorCode()).isEqualTo("UnhandledInvocationError");
        assertThat(r.errorMessage()).isEqualTo("boom requested");
        assertThat(r.requestId()).isEqualTo(fc.invocations().all().get(0).requestId());
        assertThat(r.describe()).contains("FUNCTION_ERROR", "boom requested", r.requestId());
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void throttledIs429InOneRequest(FcApiVersion version) {
        deployEchoAndThrowing(version);
        fc.faults().add(Fault.throttled().times(1));

        InvocationResult r = invokeOnce(connection(version, "echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.THROTTLED);
        assertThat(r.httpStatus()).isEqualTo(429);
        assertThat(r.errorCode()).isEqualTo("ResourceThrottled");
        assertThat(r.httpAttempts()).isEqualTo(1);
        assertThat(fc.invocations().total()).as("the SDK did not re-send").isEqualTo(1);
        assertThat(r.requestId()).isEqualTo(fc.invocations().all().get(0).requestId());
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void serverErrorIsAPlatformErrorInOneRequestWithFcsMessageAndRequestId(FcApiVersion version) {
        deployEchoAndThrowing(version);
        fc.faults().add(Fault.serverError());

        InvocationResult r = invokeOnce(connection(version, "echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.PLATFORM_ERROR);
        assertThat(r.httpStatus()).isEqualTo(500);
        assertThat(r.errorCode()).isEqualTo("InternalServerError");
        assertThat(r.errorMessage()).isEqualTo("an internal error has occurred. Please retry.");
        assertThat(r.httpAttempts()).isEqualTo(1);
        assertThat(fc.invocations().total())
                .as("HTTP hits the emulator saw: the SDK's resends are off")
                .isEqualTo(1);
        assertThat(r.requestId()).isEqualTo(fc.invocations().all().get(0).requestId());
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void missingFunctionIsAClientErrorWithFcsMessage(FcApiVersion version) {
        deployEchoAndThrowing(version);

        InvocationResult r = invokeOnce(connection(version, "missing"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.CLIENT_ERROR);
        assertThat(r.httpStatus()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("FunctionNotFound");
        assertThat(r.errorMessage())
                .isEqualTo(
                        version == FcApiVersion.V2_2016_08_15
                                ? "function 'missing' does not exist in service 'svc'"
                                : "function 'missing' does not exist.");
        assertThat(r.requestId()).isNotBlank();
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void wrongSecretIsRejectedAsSignatureMismatchAndIsAnAuthFailureWithoutTheSecret(FcApiVersion version) {
        deployEchoAndThrowing(version);
        CredentialsSource wrong = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID,
                FcEmulator.DEFAULT_ACCESS_KEY_ID,
                CredentialsSource.ENV_ACCESS_KEY_SECRET,
                "not-the-secret"));

        InvocationResult r = invokeOnce(connection(version, "echo").credentials(wrong));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.AUTH_FAILURE);
        assertThat(r.httpStatus()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("SignatureNotMatch");
        assertThat(r.describe()).doesNotContain("not-the-secret");
        assertThat(echo.calls.get()).isZero();
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void unknownKeyIsRejectedAsAnAuthFailure(FcApiVersion version) {
        deployEchoAndThrowing(version);
        CredentialsSource unknown = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, "LTAI-unknown",
                CredentialsSource.ENV_ACCESS_KEY_SECRET, "whatever"));

        InvocationResult r = invokeOnce(connection(version, "echo").credentials(unknown));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.AUTH_FAILURE);
        assertThat(r.errorCode()).isEqualTo("InvalidAccessKeyID");
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void stsTokenIsSignedSentAndChecked(FcApiVersion version) {
        deployEchoAndThrowing(version);
        fc.addStsCredentials("STS.key", "sts-secret", "sts-token-1");
        CredentialsSource sts = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, "STS.key",
                CredentialsSource.ENV_ACCESS_KEY_SECRET, "sts-secret",
                CredentialsSource.ENV_SECURITY_TOKEN, "sts-token-1"));
        CredentialsSource staleToken = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, "STS.key",
                CredentialsSource.ENV_ACCESS_KEY_SECRET, "sts-secret",
                CredentialsSource.ENV_SECURITY_TOKEN, "sts-token-0"));

        assertThat(invokeOnce(connection(version, "echo").credentials(sts)).outcome())
                .isEqualTo(InvocationOutcome.SUCCESS);
        InvocationResult stale = invokeOnce(connection(version, "echo").credentials(staleToken));
        assertThat(stale.errorCode()).isEqualTo("InvalidSecurityToken");
        assertThat(stale.outcome()).isEqualTo(InvocationOutcome.AUTH_FAILURE);
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void aQualifierRoutesToTheAliasFunctionAndAMissingAliasIsAClientError(FcApiVersion version) {
        deploy(version, "named", null, new TestFunctions.Named("latest"));
        deploy(version, "named", "prod", new TestFunctions.Named("prod"));

        InvocationResult prod = invokeOnce(connection(version, "named").qualifier("prod"));
        InvocationResult latest = invokeOnce(connection(version, "named"));
        InvocationResult missingAlias = invokeOnce(connection(version, "named").qualifier("staging"));

        assertThat(prod.isSuccess()).isTrue();
        assertThat(latest.isSuccess()).isTrue();
        List<InvocationRecord> seen = fc.invocations().all();
        assertThat(seen.get(0).qualifier()).isEqualTo("prod");
        assertThat(seen.get(0).payloadUtf8()).isEqualTo(new String(EVENT, StandardCharsets.UTF_8));
        assertThat(seen.get(1).qualifier()).isNull();
        assertThat(missingAlias.errorCode()).isEqualTo("AliasNotFound");
        assertThat(missingAlias.outcome()).isEqualTo(InvocationOutcome.CLIENT_ERROR);
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void readTimeoutIsATimeout(FcApiVersion version) {
        deployEchoAndThrowing(version);
        fc.faults().add(Fault.latency(Duration.ofMillis(1500)).times(1));

        InvocationResult r = invokeOnce(connection(version, "echo").readTimeout(Duration.ofMillis(400)));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.TIMEOUT);
        assertThat(r.httpStatus()).isZero();
        assertThat(r.latencyNanos())
                .isGreaterThanOrEqualTo(Duration.ofMillis(400).toNanos());
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void connectionRefusedIsANetworkError(FcApiVersion version) throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        InvocationResult r = invokeOnce(connection(version, "echo").endpoint("http://127.0.0.1:" + closedPort));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.NETWORK);
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void oneDroppedConnectionIsAVisibleFailedAttemptAndTheNextSucceeds(FcApiVersion version) {
        deployEchoAndThrowing(version);
        fc.faults().add(Fault.dropConnection().times(1));

        InvocationResult first = invokeOnce(connection(version, "echo"));
        InvocationResult second = invokeOnce(connection(version, "echo"));

        assertThat(first.outcome()).isEqualTo(InvocationOutcome.NETWORK);
        assertThat(second.outcome()).isEqualTo(InvocationOutcome.SUCCESS);
        assertThat(fc.invocations().total()).isEqualTo(2);
        assertThat(echo.calls.get()).isEqualTo(1);
    }

    @ParameterizedTest(name = "FC API {0}")
    @EnumSource(FcApiVersion.class)
    void aRotatedCredentialsFileIsFollowedWithoutANewInvoker(FcApiVersion version, @TempDir Path dir)
            throws IOException {
        deployEchoAndThrowing(version);
        fc.addAccessKey("LTAI-second", "second-secret");
        Path file = dir.resolve("credentials");
        Files.writeString(
                file,
                "access_key_id = " + FcEmulator.DEFAULT_ACCESS_KEY_ID + "\naccess_key_secret = "
                        + FcEmulator.DEFAULT_ACCESS_KEY_SECRET + "\n");
        try (FunctionInvoker invoker = connection(version, "echo")
                .credentials(CredentialsSource.fromFile(file.toString()))
                .build()
                .invokerFactory()
                .create()) {
            assertThat(invoker.invoke(EVENT).outcome()).isEqualTo(InvocationOutcome.SUCCESS);

            fc.removeAccessKey(FcEmulator.DEFAULT_ACCESS_KEY_ID);
            InvocationResult refused = invoker.invoke(EVENT);
            assertThat(refused.outcome()).isEqualTo(InvocationOutcome.AUTH_FAILURE);
            assertThat(refused.errorCode()).isEqualTo("InvalidAccessKeyID");
            Files.writeString(file, "# rotated\naccess_key_id = LTAI-second\naccess_key_secret = second-secret\n");

            Await.until(
                    "the invoker signs with the rotated key",
                    Duration.ofSeconds(10),
                    () -> invoker.invoke(EVENT).isSuccess());
        }
        List<InvocationRecord> seen = fc.invocations().all();
        assertThat(seen.get(seen.size() - 1).outcome()).isEqualTo(InvocationRecord.Outcome.SUCCESS);
    }
}
