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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real FC SDK, through {@link SdkFunctionInvoker}, against the FC emulator over HTTP: every kind of
 * answer an invocation can get (success, function errors, 429, 404, 5xx with a JSON, HTML or empty body,
 * a non-JSON 4xx, a read timeout, a refused or dropped connection, refused credentials) and the
 * outcome and attempt count the job makes of it.
 */
class SdkFunctionInvokerTest {
    private static final byte[] EVENT = "{\"records\":[{\"eventId\":\"0:1\"}]}".getBytes(StandardCharsets.UTF_8);

    private FcEmulator fc;
    private TestFunctions.Echo echo;

    @BeforeEach
    void start() {
        fc = FcEmulator.start();
        echo = new TestFunctions.Echo();
        fc.deployFunction("svc", "echo", echo);
        fc.deployFunction("svc", "throws", new TestFunctions.Throwing());
    }

    @AfterEach
    void stop() {
        fc.close();
    }

    private FcConnection.Builder connection(String function) {
        return FcConnection.builder().endpoint(fc.endpoint()).accountId(fc.accountId()).region(fc.region())
                .service("svc").function(function).readTimeout(Duration.ofSeconds(5));
    }

    private InvocationResult invokeOnce(FcConnection.Builder c) {
        try (FunctionInvoker invoker = c.build().invokerFactory().create()) {
            return invoker.invoke(EVENT);
        }
    }

    @Test
    void successCarriesTheRequestIdAndOneHttpAttempt() {
        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.SUCCESS);
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.httpAttempts()).isEqualTo(1);
        InvocationRecord seen = fc.invocations().all().get(0);
        assertThat(r.requestId()).isNotBlank().isEqualTo(seen.requestId());
        assertThat(seen.payload()).isEqualTo(EVENT);
        assertThat(echo.calls.get()).isEqualTo(1);
    }

    @Test
    void hostedFunctionExceptionIsAFunctionErrorWithItsMessage() {
        InvocationResult r = invokeOnce(connection("throws"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.FUNCTION_ERROR);
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.errorCode()).isEqualTo("UnhandledInvocationError");
        assertThat(r.errorMessage()).isEqualTo("boom requested");
        assertThat(r.requestId()).isEqualTo(fc.invocations().all().get(0).requestId());
        assertThat(r.describe()).contains("FUNCTION_ERROR", "boom requested", r.requestId());
    }

    @Test
    void handledFunctionErrorIsAFunctionError() {
        fc.faults().add(Fault.handledFunctionError("bad input").times(1));

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.FUNCTION_ERROR);
        assertThat(r.errorCode()).isEqualTo("HandledInvocationError");
        assertThat(r.errorMessage()).isEqualTo("bad input");
        assertThat(echo.calls.get()).as("an injected error replaces the run").isZero();
    }

    @Test
    void throttledIs429WithoutSdkResend() {
        fc.faults().add(Fault.throttled().times(1));

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.THROTTLED);
        assertThat(r.httpStatus()).isEqualTo(429);
        assertThat(r.errorCode()).isEqualTo("ResourceThrottled");
        assertThat(r.httpAttempts()).isEqualTo(1);
        assertThat(r.requestId()).isEqualTo(fc.invocations().all().get(0).requestId());
        assertThat(fc.invocations().total()).isEqualTo(1);
    }

    @Test
    void missingFunctionIsAClientError() {
        InvocationResult r = invokeOnce(connection("missing"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.CLIENT_ERROR);
        assertThat(r.httpStatus()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("FunctionNotFound");
        assertThat(r.errorMessage()).isEqualTo("function 'missing' does not exist in service 'svc'");
        assertThat(r.requestId()).isNotBlank();
    }

    @Test
    void serverErrorIsOneHttpRequestBecauseTheSdksResendsAreKeptOffTheWire() {
        fc.faults().add(Fault.serverError());

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.PLATFORM_ERROR);
        assertThat(r.httpStatus()).isEqualTo(500);
        assertThat(r.errorCode()).isEqualTo("InternalServerError");
        assertThat(r.errorMessage()).isEqualTo("an internal error has occurred. Please retry.");
        assertThat(r.httpAttempts()).isEqualTo(1);
        assertThat(fc.invocations().total()).as("HTTP hits the emulator saw").isEqualTo(1);
        assertThat(r.requestId()).isEqualTo(fc.invocations().all().get(0).requestId());
    }

    @Test
    void htmlServiceUnavailableIsAPlatformError() {
        fc.faults().add(Fault.httpResponse(503, "text/html", "<html><body>503 Service Unavailable</body></html>"));

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.PLATFORM_ERROR);
        assertThat(r.httpStatus()).isEqualTo(503);
        assertThat(r.errorCode()).isEqualTo("InternalServiceError");
        assertThat(r.httpAttempts()).isEqualTo(1);
        assertThat(fc.invocations().total()).isEqualTo(1);
    }

    @Test
    void aPassing503IsAVisibleFailedAttemptAndTheNextAttemptSucceeds() {
        fc.faults().add(Fault.httpResponse(503, "text/html", "<html>busy</html>").times(1));
        SdkFunctionInvoker invoker = new SdkFunctionInvoker(connection("echo").build());

        InvocationResult first = invoker.invoke(EVENT);
        InvocationResult second = invoker.invoke(EVENT);

        assertThat(first.outcome()).as("the SDK did not hide the 503 by re-sending").isEqualTo(InvocationOutcome.PLATFORM_ERROR);
        assertThat(second.outcome()).isEqualTo(InvocationOutcome.SUCCESS);
        assertThat(fc.invocations().total()).isEqualTo(2);
        assertThat(echo.calls.get()).isEqualTo(1);
    }

    @Test
    void emptyBody500CrashesTheSdkAndIsStillClassified() {
        fc.faults().add(Fault.httpResponse(500, null, ""));

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.PLATFORM_ERROR);
        assertThat(r.errorCode()).isEqualTo("NullPointerException");
        assertThat(r.errorMessage()).contains("unexpected java.lang.NullPointerException from the FC SDK");
        assertThat(r.httpStatus()).isEqualTo(500);
        assertThat(r.httpAttempts()).isEqualTo(1);
        assertThat(fc.invocations().total()).isEqualTo(1);
    }

    @Test
    void forbiddenWithEmptyBodyIsAnAuthFailure() {
        fc.faults().add(Fault.httpResponse(403, null, ""));

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.AUTH_FAILURE);
        assertThat(r.httpStatus()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("SDK.ServerUnreachable");
    }

    @Test
    void nonJsonClientErrorIsAClientError() {
        fc.faults().add(Fault.httpResponse(400, "text/plain", "not json"));

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.CLIENT_ERROR);
        assertThat(r.httpStatus()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("SDK.ResponseNotParsable");
    }

    @Test
    void readTimeoutIsATimeout() {
        fc.faults().add(Fault.latency(Duration.ofMillis(1500)).times(1));

        InvocationResult r = invokeOnce(connection("echo").readTimeout(Duration.ofMillis(300)));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.TIMEOUT);
        assertThat(r.httpStatus()).isZero();
        assertThat(r.latencyNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
    }

    @Test
    void connectionRefusedIsANetworkError() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        InvocationResult r = invokeOnce(connection("echo").endpoint("http://127.0.0.1:" + closedPort));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.NETWORK);
        assertThat(r.errorCode()).isEqualTo("SDK.ServerUnreachable");
        assertThat(r.errorMessage()).contains("Connection refused");
        assertThat(r.httpAttempts()).isEqualTo(1);
    }

    @Test
    void droppedConnectionIsOneFailedAttemptWithoutAHiddenResend() {
        // the job turns off the JDK's silent POST re-send (sun.net.http.retryPost, see JdkHttpSettings);
        // surefire runs with the same -D flags as flink-conf/config.yaml
        assertThat(System.getProperty("sun.net.http.retryPost")).isEqualTo("false");
        Fault drop = fc.faults().add(Fault.dropConnection());

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.NETWORK);
        assertThat(r.errorCode()).isEqualTo("SDK.ServerUnreachable");
        assertThat(drop.fired()).isEqualTo(1);
        assertThat(r.httpAttempts()).isEqualTo(1);
        assertThat(echo.calls.get()).isZero();
    }

    @Test
    void oneDroppedConnectionIsAVisibleFailedAttemptAndTheNextSucceeds() {
        fc.faults().add(Fault.dropConnection().times(1));

        InvocationResult first = invokeOnce(connection("echo"));
        InvocationResult second = invokeOnce(connection("echo"));

        assertThat(first.outcome()).isEqualTo(InvocationOutcome.NETWORK);
        assertThat(second.outcome()).isEqualTo(InvocationOutcome.SUCCESS);
        assertThat(fc.invocations().total()).isEqualTo(2);
        assertThat(echo.calls.get()).isEqualTo(1);
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
    void unknownKeyIsRejectedAsAnAuthFailure() {
        CredentialsSource unknown = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, "LTAI-unknown",
                CredentialsSource.ENV_ACCESS_KEY_SECRET, "whatever"));

        InvocationResult r = invokeOnce(connection("echo").credentials(unknown));

        assertThat(r.outcome()).isEqualTo(InvocationOutcome.AUTH_FAILURE);
        assertThat(r.errorCode()).isEqualTo("InvalidAccessKeyID");
    }

    @Test
    void stsTokenIsSentAndChecked() {
        fc.addStsCredentials("STS.key", "sts-secret", "sts-token-1");
        CredentialsSource sts = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, "STS.key",
                CredentialsSource.ENV_ACCESS_KEY_SECRET, "sts-secret",
                CredentialsSource.ENV_SECURITY_TOKEN, "sts-token-1"));
        CredentialsSource staleToken = CredentialsSource.fromEnvironment(Map.of(
                CredentialsSource.ENV_ACCESS_KEY_ID, "STS.key",
                CredentialsSource.ENV_ACCESS_KEY_SECRET, "sts-secret",
                CredentialsSource.ENV_SECURITY_TOKEN, "sts-token-0"));

        assertThat(invokeOnce(connection("echo").credentials(sts)).outcome()).isEqualTo(InvocationOutcome.SUCCESS);
        InvocationResult stale = invokeOnce(connection("echo").credentials(staleToken));
        assertThat(stale.errorCode()).isEqualTo("InvalidSecurityToken");
        assertThat(stale.outcome()).isEqualTo(InvocationOutcome.AUTH_FAILURE);
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
            assertThat(invoker.invoke(EVENT).errorCode()).isEqualTo("InvalidAccessKeyID");
            Files.writeString(file, "# rotated\naccess_key_id = LTAI-second\naccess_key_secret = second-secret\n");

            Await.until("the invoker signs with the rotated key", Duration.ofSeconds(10),
                    () -> invoker.invoke(EVENT).isSuccess());
        }
        assertThat(fc.invocations().all().get(fc.invocations().all().size() - 1).outcome())
                .isEqualTo(InvocationRecord.Outcome.SUCCESS);
    }

    @Test
    void qualifierRoutesToTheAliasFunction() {
        fc.deployFunction("svc", "named", new TestFunctions.Named("latest"));
        fc.deployFunction("svc", "prod", "named", new TestFunctions.Named("prod"));

        InvocationResult prod = invokeOnce(connection("named").qualifier("prod"));
        InvocationResult latest = invokeOnce(connection("named"));
        InvocationResult missingAlias = invokeOnce(connection("named").qualifier("staging"));

        assertThat(prod.isSuccess()).isTrue();
        assertThat(latest.isSuccess()).isTrue();
        List<InvocationRecord> seen = fc.invocations().all();
        assertThat(seen.get(0).qualifier()).isEqualTo("prod");
        assertThat(seen.get(1).qualifier()).isNull();
        assertThat(missingAlias.errorCode()).isEqualTo("AliasNotFound");
    }

    @Test
    void concurrentInvocationsOnOneInvokerOverlapAndKeepTheirPayloads() throws Exception {
        TestFunctions.Gate gate = new TestFunctions.Gate();
        fc.deployFunction("svc", "gate", gate);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (FunctionInvoker invoker = connection("gate").build().invokerFactory().create()) {
            List<Future<InvocationResult>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                byte[] payload = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                results.add(pool.submit(() -> invoker.invoke(payload)));
            }
            Await.until("all 8 invocations inside the function at once", Duration.ofSeconds(10),
                    () -> fc.invocations().inFlight() == threads);
            gate.release.countDown();
            for (Future<InvocationResult> f : results) {
                assertThat(f.get().outcome()).isEqualTo(InvocationOutcome.SUCCESS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fc.invocations().maxInFlight()).isEqualTo(threads);
        assertThat(fc.invocations().all()).extracting(InvocationRecord::payloadUtf8)
                .containsExactlyInAnyOrder("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}",
                        "{\"n\":5}", "{\"n\":6}", "{\"n\":7}");
    }

    @Test
    void closedInvokerRefusesCalls() {
        FunctionInvoker invoker = connection("echo").build().invokerFactory().create();
        invoker.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> invoker.invoke(EVENT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("svc/echo");
    }
}
