package io.datahubfcsync.fc;

import static org.assertj.core.api.Assertions.assertThat;

import io.datahubfcsync.local.fc.FcEmulator;
import io.datahubfcsync.local.fc.InvocationRecord;
import io.datahubfcsync.local.fc.TestFunctions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real FC 3.0 SDK ({@code com.aliyun:fc20230330}), through {@link Fc3FunctionInvoker}, against
 * the FC emulator's 2023-03-30 API over HTTP, with ACS3-HMAC-SHA256 signatures verified: what only
 * FC 3.0 does (no service, the Tea runtime's sockets, its clock check); the outcomes both FC versions
 * share are in {@link FunctionInvokerContractTest}.
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
    }

    @AfterEach
    void stop() {
        fc.close();
    }

    private FcConnection.Builder connection(String function) {
        return FcConnection.builder()
                .apiVersion(FcApiVersion.V3_2023_03_30)
                .endpoint(fc.endpoint())
                .accountId(fc.accountId())
                .region(fc.region())
                .function(function)
                .readTimeout(Duration.ofSeconds(5));
    }

    private InvocationResult invokeOnce(FcConnection.Builder c) {
        try (FunctionInvoker invoker = c.build().invokerFactory().create()) {
            return invoker.invoke(EVENT);
        }
    }

    @Test
    void withoutAServiceTheConnectionSpeaksFc3AndTheFunctionReceivesTheEventBytes() {
        FcConnection c = FcConnection.builder()
                .endpoint(fc.endpoint())
                .accountId(fc.accountId())
                .region(fc.region())
                .function("echo")
                .build();
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
        try (FunctionInvoker invoker =
                connection("echo").build().invokerFactory().create()) {
            invoker.invoke(EVENT);

            assertThat(TeaSockets.applied())
                    .as("every OkHttp client of the Tea runtime makes TeaSockets sockets")
                    .isTrue();
            assertThat(TeaSockets.fixedProxy(URI.create(fc.endpoint())))
                    .as("the JVM's selector chooses no proxy for 127.0.0.1: the route is fixed to direct")
                    .isEqualTo(Proxy.NO_PROXY);
            byte[] large = new byte[64 * 1024];
            java.util.Arrays.fill(large, (byte) 'x');
            assertThat(invoker.invoke(large).outcome())
                    .as("a body of several TCP segments on the new sockets")
                    .isEqualTo(InvocationOutcome.SUCCESS);
            for (int i = 0; i < 20; i++) {
                assertThat(invoker.invoke(EVENT).outcome())
                        .as("call %d over a pooled connection checked by OkHttp", i)
                        .isEqualTo(InvocationOutcome.SUCCESS);
            }
        }
        assertThat(fc.invocations().all().get(1).payload()).hasSize(64 * 1024);
        assertThat(fc.invocations().total()).isEqualTo(22);
    }

    @Test
    void anEndpointTheJvmSendsThroughAProxyKeepsAskingTheSelector() {
        ProxySelector jvms = ProxySelector.getDefault();
        List<URI> asked = new CopyOnWriteArrayList<>();
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                asked.add(uri);
                // the emulator stands in for the proxy: what it answers to a proxied request does not matter here
                return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", fc.port())));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
        });
        try (FcEmulator other = FcEmulator.start()) {
            other.deployFunction3("echo", echo);
            try (FunctionInvoker invoker = connection("echo")
                    .endpoint(other.endpoint())
                    .build()
                    .invokerFactory()
                    .create()) {
                invoker.invoke(EVENT);
                int afterFirst = asked.size();
                invoker.invoke(EVENT);

                assertThat(TeaSockets.fixedProxy(URI.create(other.endpoint()))).isNull();
                assertThat(asked.size())
                        .as("the selector is asked for the second call too")
                        .isGreaterThan(afterFirst);
            }
        } finally {
            ProxySelector.setDefault(jvms);
        }
    }

    @Test
    void theRuntimesClientKeyIsMatchedByHostAndPortOnly() {
        URI endpoint = URI.create("http://127.0.0.1:80");
        assertThat(TeaSockets.isClientOf("127.0.0.1:80", endpoint)).isTrue();
        assertThat(TeaSockets.isClientOf("127.0.0.1:80:10000:5000", endpoint)).isTrue();
        assertThat(TeaSockets.isClientOf("127.0.0.1:8080:10000", endpoint)).isFalse();
        assertThat(TeaSockets.isClientOf("127.0.0.10:80", endpoint)).isFalse();
        assertThat(TeaSockets.isClientOf("fc.example.com:-1", URI.create("https://fc.example.com")))
                .isTrue();
    }

    @Test
    void aServiceWithFc3IsRejectedSayingWhy() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> connection("echo").service("svc").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--fc.service 'svc' is not used by FC 3.0");
    }

    @Test
    void clockSkewBeyondFifteenMinutesIsRefusedAsAClientError() {
        fc.setClockSkew(Duration.ofMinutes(20));

        InvocationResult r = invokeOnce(connection("echo"));

        assertThat(r.errorCode()).isEqualTo("RequestTimeTooSkewed");
        assertThat(r.outcome()).as("a clock, not the credentials").isEqualTo(InvocationOutcome.CLIENT_ERROR);
    }
}
