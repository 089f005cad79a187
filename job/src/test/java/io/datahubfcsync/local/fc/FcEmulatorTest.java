package io.datahubfcsync.local.fc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyuncs.fc.client.FunctionComputeClient;
import com.aliyuncs.fc.config.Config;
import com.aliyuncs.fc.exceptions.ClientException;
import com.aliyuncs.fc.request.GetFunctionRequest;
import com.aliyuncs.fc.request.GetServiceRequest;
import com.aliyuncs.fc.request.InvokeFunctionRequest;
import com.aliyuncs.fc.response.GetFunctionResponse;
import com.aliyuncs.fc.response.GetServiceResponse;
import com.aliyuncs.fc.response.InvokeFunctionResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The FC emulator seen through the real FC SDK and through raw sockets (for what the SDK hides). */
class FcEmulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private FunctionComputeClient sdk(String accountId, String keyId, String secret) {
        Config config = new Config(fc.region(), accountId, keyId, secret, null, false);
        config.setEndpoint(fc.endpoint());
        config.setReadTimeoutMillis(5_000);
        return new FunctionComputeClient(config);
    }

    private FunctionComputeClient sdk() {
        return sdk(fc.accountId(), FcEmulator.DEFAULT_ACCESS_KEY_ID, FcEmulator.DEFAULT_ACCESS_KEY_SECRET);
    }

    private static InvokeFunctionRequest invoke(String function, String body) {
        InvokeFunctionRequest r = new InvokeFunctionRequest("svc", function);
        r.setPayload(body.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    @Test
    void sdkSeesExactCaseHeadersRequestIdErrorTypeAndLogTail() {
        InvokeFunctionRequest ok = invoke("echo", "{\"k\":1}");
        ok.setLogType("Tail");
        InvokeFunctionResponse r = sdk().invokeFunction(ok);

        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(new String(r.getPayload(), StandardCharsets.UTF_8)).isEqualTo("{\"k\":1}");
        assertThat(r.getRequestId()).isNotNull(); // exact-case lookup inside the SDK
        assertThat(r.getLogResult()).contains("[INFO] echo " + r.getRequestId());

        InvokeFunctionResponse failed = sdk().invokeFunction(invoke("throws", "{}"));
        assertThat(failed.getStatus()).isEqualTo(200);
        assertThat(failed.getHeaders()).containsEntry("X-Fc-Error-Type", "UnhandledInvocationError");
        assertThat(failed.getRequestId()).isNotNull();
    }

    @Test
    void hostedFunctionExceptionBecomesTheJavaRuntimeErrorBody() throws IOException {
        InvokeFunctionResponse r = sdk().invokeFunction(invoke("throws", "{}"));

        JsonNode body = JSON.readTree(r.getPayload());
        assertThat(body.get("errorMessage").asText()).isEqualTo("boom requested");
        assertThat(body.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(body.get("errorCause").asText()).isEqualTo("java.io.IOException: disk on fire");
        assertThat(body.get("stackTrace").get(0).asText())
                .startsWith("io.datahubfcsync.local.fc.TestFunctions$Throwing.handleRequest(TestFunctions.java:");
        assertThat(body.get("stackTrace").toString()).doesNotContain("DeployedFunction", "RawHttpServer");
        assertThat(fc.invocations().all().get(0).outcome()).isEqualTo(InvocationRecord.Outcome.FUNCTION_ERROR);
    }

    @Test
    void initializerRunsOnceBeforeTheFirstCall() {
        for (int i = 0; i < 3; i++) sdk().invokeFunction(invoke("echo", "{}"));

        assertThat(echo.initializations.get()).isEqualTo(1);
        assertThat(echo.calls.get()).isEqualTo(3);
    }

    @Test
    void rawResponseKeepsHeaderCaseAndConnectionStaysOpen() throws IOException {
        try (Socket s = new Socket("127.0.0.1", fc.port())) {
            String first = exchange(
                    s,
                    signedRequest(
                            "POST",
                            "/2016-08-15/services/svc/functions/throws/invocations",
                            "{}".getBytes(StandardCharsets.UTF_8),
                            null));
            String second = exchange(
                    s,
                    signedRequest(
                            "POST",
                            "/2016-08-15/services/svc/functions/echo/invocations",
                            "hello".getBytes(StandardCharsets.UTF_8),
                            null));

            assertThat(first)
                    .startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("\r\nX-Fc-Request-Id: ")
                    .contains("\r\nX-Fc-Error-Type: UnhandledInvocationError\r\n");
            assertThat(second).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello");
        }
        assertThat(fc.invocations().total()).isEqualTo(2);
    }

    @Test
    void bodilessPostRunsTheFunctionWithAnEmptyEvent() throws IOException {
        InvokeFunctionResponse r = sdk().invokeFunction(new InvokeFunctionRequest("svc", "echo"));

        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getPayload()).isEmpty();
        assertThat(fc.invocations().all().get(0).payload()).isEmpty();
    }

    @Test
    void contentMd5MismatchIsRejected() throws IOException {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String wrongMd5 = FcSignature.contentMd5("{\"a\":2}".getBytes(StandardCharsets.UTF_8));
        try (Socket s = new Socket("127.0.0.1", fc.port())) {
            String answer = exchange(
                    s, signedRequest("POST", "/2016-08-15/services/svc/functions/echo/invocations", body, wrongMd5));

            assertThat(answer)
                    .startsWith("HTTP/1.1 400 ")
                    .contains("\"ErrorCode\":\"InvalidArgument\"")
                    .contains("Content-MD5");
        }
        assertThat(echo.calls.get()).isZero();
    }

    @Test
    void badSignatureUnknownKeyAndWrongAccountAreRejected() {
        assertThatThrownBy(() -> sdk(fc.accountId(), FcEmulator.DEFAULT_ACCESS_KEY_ID, "wrong")
                        .invokeFunction(invoke("echo", "{}")))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(403);
                    assertThat(e.getErrorCode()).isEqualTo("SignatureNotMatch");
                    assertThat(e.getRequestId()).isNotNull();
                });
        assertThatThrownBy(() -> sdk(fc.accountId(), "LTAI-nobody", "x").invokeFunction(invoke("echo", "{}")))
                .isInstanceOfSatisfying(
                        ClientException.class, e -> assertThat(e.getErrorCode()).isEqualTo("InvalidAccessKeyID"));
        assertThatThrownBy(() -> sdk("999", FcEmulator.DEFAULT_ACCESS_KEY_ID, FcEmulator.DEFAULT_ACCESS_KEY_SECRET)
                        .invokeFunction(invoke("echo", "{}")))
                .isInstanceOfSatisfying(
                        ClientException.class,
                        e -> assertThat(e.getErrorMessage()).contains("account '999'"));
        assertThat(echo.calls.get()).isZero();
        assertThat(fc.invocations().count(InvocationRecord.Outcome.HTTP_ERROR)).isEqualTo(3);
    }

    @Test
    void dateMoreThanFifteenMinutesOffIsRejected() {
        fc.setClockSkew(Duration.ofMinutes(14));
        assertThat(sdk().invokeFunction(invoke("echo", "{}")).getStatus()).isEqualTo(200);

        fc.setClockSkew(Duration.ofMinutes(-16));
        assertThatThrownBy(() -> sdk().invokeFunction(invoke("echo", "{}")))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(403);
                    assertThat(e.getErrorCode()).isEqualTo("RequestTimeTooSkewed");
                });
    }

    @Test
    void getServiceAndGetFunctionAnswerWhatTheSdkNeeds() {
        fc.deployFunction("svc", "prod", "echo", new TestFunctions.Named("prod"));

        GetServiceResponse service = sdk().getService(new GetServiceRequest("svc"));
        GetFunctionResponse function = sdk().getFunction(new GetFunctionRequest("svc", "echo"));
        GetFunctionResponse aliased = sdk().getFunction(new GetFunctionRequest("svc", "echo").setQualifier("prod"));

        assertThat(service.getServiceName()).isEqualTo("svc");
        assertThat(service.getServiceId()).isNotBlank();
        assertThat(function.getFunctionName()).isEqualTo("echo");
        assertThat(function.getCodeSize()).isZero(); // primitive getter: NPE if the field were missing
        assertThat(function.getHandler()).isEqualTo(TestFunctions.Echo.class.getName() + "::handleRequest");
        assertThat(function.getTimeout()).isEqualTo(60);
        assertThat(aliased.getHandler()).startsWith(TestFunctions.Named.class.getName());
        assertThatThrownBy(() -> sdk().getService(new GetServiceRequest("nope")))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(404);
                    assertThat(e.getErrorCode()).isEqualTo("ServiceNotFound");
                    assertThat(e.getErrorMessage()).isEqualTo("service 'nope' does not exist");
                });
        assertThatThrownBy(() -> sdk().getFunction(new GetFunctionRequest("svc", "nope")))
                .isInstanceOfSatisfying(
                        ClientException.class, e -> assertThat(e.getErrorCode()).isEqualTo("FunctionNotFound"));
        assertThat(fc.invocations().total()).as("GETs are not invocations").isZero();
    }

    @Test
    void payloadAboveThirtyTwoMegabytesIsEntityTooLarge() {
        byte[] big = new byte[FcEmulator.MAX_SYNC_PAYLOAD_BYTES + 1];
        InvokeFunctionRequest r = new InvokeFunctionRequest("svc", "echo");
        r.setPayload(big);

        assertThatThrownBy(() -> sdk().invokeFunction(r)).isInstanceOfSatisfying(ClientException.class, e -> {
            assertThat(e.getStatusCode()).isEqualTo(400);
            assertThat(e.getErrorCode()).isEqualTo("EntityTooLarge");
        });
        assertThat(echo.calls.get()).isZero();
    }

    @Test
    void eventIdFaultFailsOnlyBatchesHoldingThatRecord() {
        Fault poison = fc.faults().add(Fault.functionError("poison record").whenEventId("0:17"));

        InvokeFunctionResponse clean = sdk().invokeFunction(invoke("echo", event("0:15", "0:16")));
        InvokeFunctionResponse poisoned = sdk().invokeFunction(invoke("echo", event("0:16", "0:17")));

        assertThat(clean.getHeader("X-Fc-Error-Type")).isNull();
        assertThat(poisoned.getHeader("X-Fc-Error-Type")).isEqualTo("UnhandledInvocationError");
        assertThat(new String(poisoned.getPayload(), StandardCharsets.UTF_8)).contains("poison record");
        assertThat(poison.fired()).isEqualTo(1);
        assertThat(fc.invocations().all().get(1).injected()).isTrue();
    }

    @Test
    void timesLimitsAFaultAndOnlyForNarrowsIt() {
        fc.deployFunction("svc", "other", new TestFunctions.Echo());
        Fault twice = fc.faults().add(Fault.throttled().times(2).onlyFor("svc", "echo"));

        assertThat(statusOf("other")).isEqualTo(200);
        assertThat(statusOf("echo")).isEqualTo(429);
        assertThat(statusOf("echo")).isEqualTo(429);
        assertThat(statusOf("echo")).isEqualTo(200);
        assertThat(twice.exhausted()).isTrue();
    }

    @Test
    void seededProbabilityIsReproducible() {
        List<Integer> first = statusesWithProbability(7);
        List<Integer> again = statusesWithProbability(7);

        assertThat(first).isEqualTo(again).contains(200, 429);
    }

    @Test
    void asyncInvocationIsAcceptedAndRunsLater() {
        InvokeFunctionRequest r = invoke("echo", "{}");
        r.setInvocationType("Async");

        assertThat(sdk().invokeFunction(r).getStatus()).isEqualTo(202);
        io.datahubfcsync.testing.Await.until("the async run", Duration.ofSeconds(10), () -> echo.calls.get() == 1);
        assertThat(fc.invocations().all().get(0).outcome()).isEqualTo(InvocationRecord.Outcome.ACCEPTED_ASYNC);
    }

    @Test
    void invocationLogCanBeAwaited() throws Exception {
        Thread caller = new Thread(() -> sdk().invokeFunction(invoke("echo", "{}")));
        caller.start();

        List<InvocationRecord> records = fc.invocations().awaitTotal(1, Duration.ofSeconds(10));

        assertThat(records).hasSize(1);
        assertThat(records.get(0).function()).isEqualTo("echo");
        assertThat(records.get(0).finished()).isAfterOrEqualTo(records.get(0).received());
        caller.join();
    }

    private List<Integer> statusesWithProbability(long seed) {
        fc.faults().clear();
        fc.faults().add(Fault.throttled().withProbability(0.5, seed));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) statuses.add(statusOf("echo"));
        return statuses;
    }

    private int statusOf(String function) {
        try {
            return sdk().invokeFunction(invoke(function, "{}")).getStatus();
        } catch (ClientException e) {
            return e.getStatusCode();
        }
    }

    private static String event(String... eventIds) {
        StringBuilder sb = new StringBuilder("{\"eventSource\":\"acs:datahub\",\"records\":[");
        for (int i = 0; i < eventIds.length; i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"eventId\":\"").append(eventIds[i]).append("\",\"systemTime\":1,\"data\":\"[]\"}");
        }
        return sb.append("]}").toString();
    }

    /** A request signed like the SDK signs it, optionally with a Content-MD5 that does not match. */
    private byte[] signedRequest(String method, String path, byte[] body, String contentMd5Override) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        List<HttpMessage.Header> headers = new ArrayList<>();
        headers.add(new HttpMessage.Header("x-fc-account-id", fc.accountId()));
        headers.add(new HttpMessage.Header("Date", date));
        headers.add(new HttpMessage.Header("Content-Type", "application/octet-stream"));
        headers.add(new HttpMessage.Header(
                "Content-MD5", contentMd5Override != null ? contentMd5Override : FcSignature.contentMd5(body)));
        String signature =
                FcSignature.sign(FcEmulator.DEFAULT_ACCESS_KEY_SECRET, FcSignature.stringToSign(method, path, headers));
        StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        sb.append("Authorization: FC ")
                .append(FcEmulator.DEFAULT_ACCESS_KEY_ID)
                .append(':')
                .append(signature)
                .append("\r\n");
        for (HttpMessage.Header h : headers)
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** Writes a request and reads exactly one response (headers + Content-Length body). */
    private static String exchange(Socket s, byte[] request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new IOException("connection closed before the end of the headers");
            head.write(c);
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : headText.split("\r\n")) {
            if (line.startsWith("Content-Length: ")) length = Integer.parseInt(line.substring(16));
        }
        byte[] body = in.readNBytes(length);
        return headText + new String(body, StandardCharsets.UTF_8);
    }
}
