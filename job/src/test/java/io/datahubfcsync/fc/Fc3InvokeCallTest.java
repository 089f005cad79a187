package io.datahubfcsync.fc;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.fc20230330.Client;
import com.aliyun.fc20230330.models.InvokeFunctionHeaders;
import com.aliyun.fc20230330.models.InvokeFunctionRequest;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Fc3InvokeCall} sends the request the SDK's generated {@code invokeFunctionWithOptions}
 * sends: both go to a server on 127.0.0.1 that records what arrives, and everything but the
 * per-request values (date, nonce, the signature over them) is compared. That the signature
 * itself is right is proven against the FC emulator, which verifies it
 * ({@link FunctionInvokerContractTest}).
 */
class Fc3InvokeCallTest {
    private static final Set<String> PER_REQUEST = Set.of("x-acs-date", "x-acs-signature-nonce", "authorization");
    private static final byte[] EVENT = "{\"records\":[{\"eventId\":\"0:1\"}]}".getBytes(StandardCharsets.UTF_8);

    private record Seen(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {}

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            seen.add(new Seen(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath() + "?"
                            + exchange.getRequestURI().getRawQuery(),
                    headers,
                    exchange.getRequestBody().readAllBytes()));
            exchange.getResponseHeaders().add("x-fc-request-id", "req-" + seen.size());
            exchange.sendResponseHeaders(200, 1);
            exchange.getResponseBody().write('1');
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private FcConnection connection(String function, String qualifier) {
        FcConnection.Builder b = FcConnection.builder()
                .apiVersion(FcApiVersion.V3_2023_03_30)
                .endpoint("http://127.0.0.1:" + server.getAddress().getPort())
                .accountId("1234567890")
                .region("cn-hangzhou")
                .function(function);
        return qualifier == null ? b.build() : b.qualifier(qualifier).build();
    }

    @Test
    void theRequestIsTheGeneratedInvokeFunctionsWithTheSameHeadersQueryAndBody() throws Exception {
        for (String qualifier : new String[] {null, "prod"}) {
            seen.clear();
            FcConnection c = connection("fn-a.b", qualifier);
            Client client = Fc3Clients.create(c);
            InvokeFunctionRequest generated = new InvokeFunctionRequest().setBody(new ByteArrayInputStream(EVENT));
            if (qualifier != null) generated.setQualifier(qualifier);
            client.invokeFunctionWithOptions(
                            "fn-a.b",
                            generated,
                            new InvokeFunctionHeaders()
                                    .setXFcInvocationType("Sync")
                                    .setXFcLogType("None"),
                            Fc3Clients.singleAttempt(c))
                    .getBody()
                    .close();

            Fc3InvokeCall.Answer answer = new Fc3InvokeCall("fn-a.b", qualifier)
                    .invoke(Fc3Clients.create(c), EVENT, Fc3Clients.singleAttempt(c));

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers()).containsEntry("x-fc-request-id", "req-2");
            try (var body = answer.body()) {
                assertThat(body.readAllBytes()).containsExactly('1');
            }
            assertThat(seen).hasSize(2);
            Seen viaSdkMethod = seen.get(0);
            Seen viaCall = seen.get(1);
            assertThat(viaCall.method()).isEqualTo("POST").isEqualTo(viaSdkMethod.method());
            assertThat(viaCall.pathAndQuery())
                    .isEqualTo(viaSdkMethod.pathAndQuery())
                    .startsWith("/2023-03-30/functions/fn-a.b/invocations");
            assertThat(viaCall.body()).isEqualTo(EVENT).isEqualTo(viaSdkMethod.body());
            assertThat(viaCall.headers().keySet())
                    .as("qualifier %s: the same headers", qualifier)
                    .isEqualTo(viaSdkMethod.headers().keySet());
            assertThat(without(viaCall.headers()))
                    .as("qualifier %s: the same values but for date, nonce and signature", qualifier)
                    .isEqualTo(without(viaSdkMethod.headers()))
                    .containsEntry("content-type", "application/octet-stream")
                    .containsEntry("x-fc-invocation-type", "Sync")
                    .containsEntry("x-fc-log-type", "None");
            assertThat(viaCall.headers().get("authorization"))
                    .startsWith("ACS3-HMAC-SHA256 Credential="
                            + c.credentials().current().accessKeyId() + ",");
        }
    }

    private static Map<String, String> without(Map<String, String> headers) {
        Map<String, String> out = new TreeMap<>(headers);
        out.keySet().removeAll(PER_REQUEST);
        return out;
    }
}
