package io.datahubfcsync.local.fc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one invocation path both FC APIs share answers each in its own wire conventions: FC 2.0 with
 * capitalised {@code X-Fc-*} headers and {@code {"ErrorCode","ErrorMessage"}}, FC 3.0 with lower-case
 * headers and {@code {"Code","Message","RequestId"}}, and both log the call alike. Requests are signed
 * as the SDKs sign them and handed to the emulator's handler directly, so every header name is seen
 * exactly as it would go on the wire.
 */
class InvocationAnswersTest {
    private static final byte[] EVENT = "{\"records\":[{\"eventId\":\"0:1\"}]}".getBytes(StandardCharsets.UTF_8);
    private static final String FC2_PATH = "/2016-08-15/services/svc/functions/";

    private FcEmulator fc;
    private FcApiHandler handler;

    @BeforeEach
    void start() {
        fc = FcEmulator.start();
        handler = new FcApiHandler(fc);
        fc.deployFunction("svc", "boom", new TestFunctions.Throwing());
        fc.deployFunction3("boom", new TestFunctions.Throwing());
    }

    @AfterEach
    void stop() {
        fc.close();
    }

    @Test
    void fc2AnswersAFunctionErrorWithCapitalisedHeaders() throws Exception {
        HttpMessage.Response r = handler.handle(fc2(FC2_PATH + "boom/invocations", true));

        assertThat(r.status()).isEqualTo(200);
        assertThat(names(r))
                .containsExactly("X-Fc-Request-Id", "Date", "Content-Type", "X-Fc-Log-Result", "X-Fc-Error-Type");
        assertThat(r.header("X-Fc-Error-Type")).isEqualTo("UnhandledInvocationError");
    }

    @Test
    void fc3AnswersAFunctionErrorWithLowerCaseHeaders() throws Exception {
        HttpMessage.Response r = handler.handle(fc3("/2023-03-30/functions/boom/invocations", true));

        assertThat(r.status()).isEqualTo(200);
        assertThat(names(r))
                .containsExactly("x-fc-request-id", "Date", "Content-Type", "x-fc-log-result", "x-fc-error-type");
        assertThat(r.header("x-fc-error-type")).isEqualTo("UnhandledInvocationError");
    }

    @Test
    void fc2ErrorsCarryErrorCodeAndErrorMessageOnly() throws Exception {
        HttpMessage.Response missing = handler.handle(fc2(FC2_PATH + "missing/invocations", false));
        fc.faults().add(Fault.throttled().times(1));
        HttpMessage.Response throttled = handler.handle(fc2(FC2_PATH + "boom/invocations", false));

        assertThat(missing.status()).isEqualTo(404);
        assertThat(body(missing))
                .isEqualTo("{\"ErrorCode\":\"FunctionNotFound\","
                        + "\"ErrorMessage\":\"function 'missing' does not exist in service 'svc'\"}");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(body(throttled))
                .isEqualTo("{\"ErrorCode\":\"ResourceThrottled\","
                        + "\"ErrorMessage\":\"Reserve resource exhausted. Please try again later\"}");
    }

    @Test
    void fc3ErrorsCarryCodeMessageAndTheRequestId() throws Exception {
        HttpMessage.Response missing = handler.handle(fc3("/2023-03-30/functions/missing/invocations", false));
        fc.faults().add(Fault.functionNotFound().times(1));
        HttpMessage.Response injected = handler.handle(fc3("/2023-03-30/functions/boom/invocations", false));

        assertThat(missing.status()).isEqualTo(404);
        assertThat(body(missing))
                .isEqualTo("{\"Code\":\"FunctionNotFound\",\"Message\":\"function 'missing' does not"
                        + " exist.\",\"RequestId\":\"" + missing.header("x-fc-request-id") + "\"}");
        assertThat(injected.status()).isEqualTo(404);
        assertThat(body(injected))
                .isEqualTo("{\"Code\":\"FunctionNotFound\",\"Message\":\"function 'boom' does not"
                        + " exist.\",\"RequestId\":\"" + injected.header("x-fc-request-id") + "\"}");
    }

    @Test
    void bothApisLogTheirCallsAlikeWithTheErrorCodeReadFromTheirOwnBody() throws Exception {
        handler.handle(fc2(FC2_PATH + "missing/invocations", false));
        handler.handle(fc3("/2023-03-30/functions/missing/invocations", false));
        fc.faults().add(Fault.dropConnection().times(2));
        HttpMessage.Response dropped2 = handler.handle(fc2(FC2_PATH + "boom/invocations", false));
        HttpMessage.Response dropped3 = handler.handle(fc3("/2023-03-30/functions/boom/invocations", false));

        assertThat(dropped2.isDrop()).isTrue();
        assertThat(dropped3.isDrop()).isTrue();
        assertThat(fc.invocations().all())
                .extracting(r -> r.service() + " " + r.function() + " " + r.outcome() + " " + r.httpStatus() + " "
                        + r.errorType() + " " + r.injected())
                .containsExactly(
                        "svc missing HTTP_ERROR 404 FunctionNotFound false",
                        "null missing HTTP_ERROR 404 FunctionNotFound false",
                        "svc boom DROPPED 0 null true",
                        "null boom DROPPED 0 null true");
    }

    private static List<String> names(HttpMessage.Response r) {
        return r.headers().stream().map(HttpMessage.Header::name).toList();
    }

    private static String body(HttpMessage.Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** A POST signed as the FC 2.0 SDK signs it. */
    private HttpMessage.Request fc2(String path, boolean logTail) {
        List<HttpMessage.Header> headers = new ArrayList<>();
        headers.add(new HttpMessage.Header("x-fc-account-id", fc.accountId()));
        headers.add(new HttpMessage.Header(
                "Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC))));
        headers.add(new HttpMessage.Header("Content-Type", "application/octet-stream"));
        headers.add(new HttpMessage.Header("Content-MD5", FcSignature.contentMd5(EVENT)));
        if (logTail) headers.add(new HttpMessage.Header("X-Fc-Log-Type", "Tail"));
        String signature =
                FcSignature.sign(FcEmulator.DEFAULT_ACCESS_KEY_SECRET, FcSignature.stringToSign("POST", path, headers));
        headers.add(
                new HttpMessage.Header("Authorization", "FC " + FcEmulator.DEFAULT_ACCESS_KEY_ID + ":" + signature));
        return new HttpMessage.Request("POST", path, "HTTP/1.1", headers, EVENT, EVENT.length);
    }

    /** A POST signed with ACS3-HMAC-SHA256 as the FC 3.0 SDK signs it. */
    private HttpMessage.Request fc3(String path, boolean logTail) {
        List<HttpMessage.Header> headers = new ArrayList<>();
        headers.add(new HttpMessage.Header("host", "127.0.0.1:" + fc.port()));
        headers.add(new HttpMessage.Header("x-acs-version", Fc3ApiHandler.API_VERSION));
        headers.add(new HttpMessage.Header(
                "x-acs-date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        headers.add(new HttpMessage.Header(
                "x-acs-signature-nonce", UUID.randomUUID().toString()));
        headers.add(new HttpMessage.Header("x-acs-content-sha256", Acs3Signature.sha256Hex(EVENT)));
        if (logTail) headers.add(new HttpMessage.Header("x-fc-log-type", "Tail"));
        List<String> signed =
                List.of("host", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version");
        String canonical =
                Acs3Signature.canonicalRequest("POST", path, "", headers, signed, Acs3Signature.sha256Hex(EVENT));
        String signature =
                Acs3Signature.sign(FcEmulator.DEFAULT_ACCESS_KEY_SECRET, Acs3Signature.stringToSign(canonical));
        headers.add(new HttpMessage.Header(
                "Authorization",
                Acs3Signature.ALGORITHM + " Credential="
                        + FcEmulator.DEFAULT_ACCESS_KEY_ID + ",SignedHeaders=" + String.join(";", signed)
                        + ",Signature=" + signature));
        return new HttpMessage.Request("POST", path, "HTTP/1.1", headers, EVENT, EVENT.length);
    }
}
