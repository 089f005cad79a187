package io.datahubfcsync.local.fc;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.tea.TeaRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The FC emulator's 2023-03-30 authentication, request by request over a raw socket, each request
 * signed by the Tea OpenAPI signer the FC 3.0 SDK uses: what the signature covers (body hash, every
 * {@code x-acs-*} header, the qualifier) is enforced, what it does not ({@code x-fc-*}) is not.
 */
class Fc3EmulatorSignatureTest {
    private static final byte[] BODY = "{\"records\":[]}".getBytes(StandardCharsets.UTF_8);

    private FcEmulator fc;

    @BeforeEach
    void start() {
        fc = FcEmulator.start();
        fc.deployFunction3("fn", new TestFunctions.Echo());
        fc.deployFunction3("fn", "prod", new TestFunctions.Echo());
    }

    @AfterEach
    void stop() {
        fc.close();
    }

    /** A POST invocation with the SDK's headers, signed for {@code query} and {@code body}. */
    private TeaRequest signedInvoke(Map<String, String> query, byte[] body, String secret) throws Exception {
        return signedInvoke(
                query,
                body,
                secret,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** As {@link #signedInvoke(Map, byte[], String)}, with {@code date} as {@code x-acs-date}. */
    private TeaRequest signedInvoke(Map<String, String> query, byte[] body, String secret, String date)
            throws Exception {
        TeaRequest r = new TeaRequest();
        r.method = "POST";
        r.pathname = "/2023-03-30/functions/fn/invocations";
        r.query = new LinkedHashMap<>(query);
        r.headers = new LinkedHashMap<>();
        r.headers.put("host", "127.0.0.1:" + fc.port());
        r.headers.put("x-acs-version", "2023-03-30");
        r.headers.put("x-acs-action", "InvokeFunction");
        r.headers.put("x-acs-date", date);
        r.headers.put("x-acs-signature-nonce", UUID.randomUUID().toString());
        r.headers.put("content-type", "application/octet-stream");
        r.headers.put("x-acs-content-sha256", Acs3Signature.sha256Hex(body));
        r.headers.put("x-fc-invocation-type", "Sync");
        r.headers.put(
                "Authorization",
                com.aliyun.openapiutil.Client.getAuthorization(
                        r,
                        Acs3Signature.ALGORITHM,
                        r.headers.get("x-acs-content-sha256"),
                        FcEmulator.DEFAULT_ACCESS_KEY_ID,
                        secret));
        return r;
    }

    /** Sends the request as is and returns the status line and body. */
    private String send(TeaRequest r, byte[] body) throws IOException {
        StringBuilder target = new StringBuilder(r.pathname);
        if (!r.query.isEmpty()) {
            target.append('?');
            r.query.forEach((k, v) -> target.append(k).append('=').append(v).append('&'));
            target.setLength(target.length() - 1);
        }
        StringBuilder head = new StringBuilder(r.method + " " + target + " HTTP/1.1\r\n");
        r.headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("content-length: ").append(body.length).append("\r\nconnection: close\r\n\r\n");
        try (Socket s = new Socket("127.0.0.1", fc.port())) {
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.UTF_8);
            return response.substring(0, response.indexOf("\r\n")) + " "
                    + response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    @Test
    void aRequestSignedByTheSdksSignerIsAccepted() throws Exception {
        assertThat(send(signedInvoke(Map.of("qualifier", "prod"), BODY, FcEmulator.DEFAULT_ACCESS_KEY_SECRET), BODY))
                .startsWith("HTTP/1.1 200");
        assertThat(fc.invocations().all().get(0).qualifier()).isEqualTo("prod");
    }

    @Test
    void anUnsignedFcHeaderMayChangeButNotTheBodyTheQualifierOrAnAcsHeader() throws Exception {
        String secret = FcEmulator.DEFAULT_ACCESS_KEY_SECRET;
        TeaRequest logType = signedInvoke(Map.of(), BODY, secret);
        logType.headers.put("x-fc-log-type", "Tail");
        TeaRequest body = signedInvoke(Map.of(), BODY, secret);
        TeaRequest qualifier = signedInvoke(Map.of("qualifier", "prod"), BODY, secret);
        qualifier.query.put("qualifier", "LATEST");
        TeaRequest extraAcs = signedInvoke(Map.of(), BODY, secret);
        extraAcs.headers.put("x-acs-extra", "smuggled");

        assertThat(send(logType, BODY)).startsWith("HTTP/1.1 200");
        assertThat(send(body, "{\"records\":[1]}".getBytes(StandardCharsets.UTF_8)))
                .startsWith("HTTP/1.1 400")
                .contains("x-acs-content-sha256 does not match");
        assertThat(send(qualifier, BODY)).startsWith("HTTP/1.1 403").contains("\"Code\":\"SignatureNotMatch\"");
        assertThat(send(extraAcs, BODY)).startsWith("HTTP/1.1 403").contains("\"Code\":\"SignatureNotMatch\"");
    }

    @Test
    void aWrongSecretGetsTheServices403SignatureNotMatchInFc3sErrorBody() throws Exception {
        String answer = send(signedInvoke(Map.of(), BODY, "not-the-secret"), BODY);

        assertThat(answer)
                .startsWith("HTTP/1.1 403")
                .contains("\"Code\":\"SignatureNotMatch\"")
                .contains("\"Message\":\"The request signature we calculated does not match")
                .contains("\"RequestId\":")
                .doesNotContain("not-the-secret");
    }

    @Test
    void aMalformedOrSkewedDateIsRefusedEvenRightAfterAValidOne() throws Exception {
        String secret = FcEmulator.DEFAULT_ACCESS_KEY_SECRET;
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String valid = now.toString();

        assertThat(send(signedInvoke(Map.of(), BODY, secret, valid), BODY)).startsWith("HTTP/1.1 200");
        assertThat(send(signedInvoke(Map.of(), BODY, secret, valid.replace('T', ' ')), BODY))
                .startsWith("HTTP/1.1 400")
                .contains("\"Code\":\"InvalidArgument\"")
                .contains("is not yyyy-MM-ddTHH:mm:ssZ");
        assertThat(send(
                        signedInvoke(
                                Map.of(),
                                BODY,
                                secret,
                                now.minusSeconds(16 * 60).toString()),
                        BODY))
                .startsWith("HTTP/1.1 403")
                .contains("\"Code\":\"RequestTimeTooSkewed\"");
        assertThat(send(signedInvoke(Map.of(), BODY, secret, valid), BODY))
                .as("the valid date again")
                .startsWith("HTTP/1.1 200");
    }
}
