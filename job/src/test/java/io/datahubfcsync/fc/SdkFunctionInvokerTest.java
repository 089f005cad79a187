package io.datahubfcsync.fc;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.local.fc.Fault;
import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.InvocationRecord;
import io.datahubfcsync.local.fc.TestFunctions;
import io.datahubfcsync.testing.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real FC 2.0 SDK, through {@link SdkFunctionInvoker}, against the FC emulator over HTTP: the
 * answers only this version's SDK meets (bodies it cannot parse, the JDK's HTTP client) and the
 * invoker's own behaviour; what both FC versions share is in {@link FunctionInvokerContractTest}.
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
    }

    @AfterEach
    void stop() {
        fc.close();
    }

    private FcConnection.Builder connection(String function) {
        return FcConnection.builder()
                .endpoint(fc.endpoint())
                .accountId(fc.accountId())
                .region(fc.region())
                .service("svc")
                .function(function)
                .readTimeout(Duration.ofSeconds(5));
    }

    private InvocationResult invokeOnce(FcConnection.Builder c) {
        try (FunctionInvoker invoker = c.build().invokerFactory().create()) {
            return invoker.invoke(EVENT);
        }
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
        fc.faults()
                .add(Fault.httpResponse(503, "text/html", "<html>busy</html>").times(1));
        SdkFunctionInvoker invoker = new SdkFunctionInvoker(connection("echo").build());

        InvocationResult first = invoker.invoke(EVENT);
        InvocationResult second = invoker.invoke(EVENT);

        assertThat(first.outcome())
                .as("the SDK did not hide the 503 by re-sending")
                .isEqualTo(InvocationOutcome.PLATFORM_ERROR);
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
    void connectionRefusedIsTheSdksServerUnreachableInOneAttempt() throws IOException {
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
    void concurrentInvocationsOnOneInvokerOverlapAndKeepTheirPayloads() throws Exception {
        TestFunctions.Gate gate = new TestFunctions.Gate();
        fc.deployFunction("svc", "gate", gate);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (FunctionInvoker invoker =
                connection("gate").build().invokerFactory().create()) {
            List<Future<InvocationResult>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                byte[] payload = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                results.add(pool.submit(() -> invoker.invoke(payload)));
            }
            Await.until(
                    "all 8 invocations inside the function at once",
                    Duration.ofSeconds(10),
                    () -> fc.invocations().inFlight() == threads);
            gate.release.countDown();
            for (Future<InvocationResult> f : results) {
                assertThat(f.get().outcome()).isEqualTo(InvocationOutcome.SUCCESS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fc.invocations().maxInFlight()).isEqualTo(threads);
        assertThat(fc.invocations().all())
                .extracting(InvocationRecord::payloadUtf8)
                .containsExactlyInAnyOrder(
                        "{\"n\":0}",
                        "{\"n\":1}",
                        "{\"n\":2}",
                        "{\"n\":3}",
                        "{\"n\":4}",
                        "{\"n\":5}",
                        "{\"n\":6}",
                        "{\"n\":7}");
    }

    @Test
    void closedInvokerRefusesCalls() {
        FunctionInvoker invoker = connection("echo").build().invokerFactory().create();
        invoker.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> invoker.invoke(EVENT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("svc/echo");
    }
}
