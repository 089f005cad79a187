package io.datahubfcsync.fc;

import com.aliyuncs.fc.client.FunctionComputeClient;
import com.aliyuncs.fc.response.InvokeFunctionResponse;
import io.datahubfcsync.credentials.AccessCredentials;
import java.util.Objects;

/**
 * Invokes one FC function synchronously with {@code aliyun-java-sdk-fc} 1.8.25.
 *
 * <p>One client per subtask, shared by all shards: the SDK client holds only its {@code Config},
 * while a fresh {@code InvokeFunctionRequest} per call keeps the per-call state (the SDK mutates a
 * request's headers while signing) private to one thread.
 *
 * <p>Credential rotation: the credentials are read from the {@link io.datahubfcsync.credentials.CredentialsSource}
 * before every call. When they changed, a new client is built and swapped in, instead of calling
 * the Config's setters, because concurrent calls would otherwise sign with a key id, secret and
 * token from different generations.
 *
 * <p>No hidden re-sends: on a 5xx the SDK would send the same request up to 3 times in total, at
 * once, and each time the function may run again. {@link SingleSendInvokeRequest} keeps those
 * re-sends off the wire, so every attempt is exactly one HTTP request and the job's retry policy
 * ({@code retry.interval}, {@code retry.max-attempts}) governs every one of them.
 *
 * <p>Below the SDK, the JDK's {@code HttpURLConnection} re-sends a request once by itself when the
 * connection fails before the answer's status line arrives (closed or reset, not a read timeout),
 * POSTs included unless {@code -Dsun.net.http.retryPost=false}. The SDK sends its body unstreamed, so
 * this re-send applies to every invocation and would run the function again unseen. The JDK reads the
 * property once per JVM, when the first HTTP URL connection is opened; {@link JdkHttpSettings} sets it
 * when absent, which takes effect only if this JVM has made no HTTP URL connection yet. What makes a
 * dropped connection exactly one visible failed attempt on every TaskManager is the flag on the JVM's
 * command line ({@code env.java.opts.all} in {@code flink-conf/config.yaml}).
 */
public final class SdkFunctionInvoker implements FunctionInvoker {
    private final FcConnection connection;
    private volatile ClientGeneration current;
    private volatile boolean closed;

    public SdkFunctionInvoker(FcConnection connection) {
        this.connection = Objects.requireNonNull(connection);
    }

    @Override
    public InvocationResult invoke(byte[] event) {
        if (closed) throw new IllegalStateException("invoker for " + connection.functionPath() + " is closed");
        long start = System.nanoTime();
        SingleSendInvokeRequest request = null;
        try {
            FunctionComputeClient client = client();
            request = new SingleSendInvokeRequest(connection.service(), connection.function());
            if (connection.qualifier() != null) request.setQualifier(connection.qualifier());
            request.setInvocationType("Sync");
            request.setPayload(event);
            InvokeFunctionResponse response = client.invokeFunction(request);
            return FcOutcomes.fromResponse(response, System.nanoTime() - start, request.wireRequests());
        } catch (RuntimeException e) {
            return FcOutcomes.fromException(
                    e,
                    System.nanoTime() - start,
                    request == null ? 0 : request.wireRequests(),
                    request == null ? 0 : request.answeredStatus());
        }
    }

    /** The client for the current credentials; rebuilt only when they changed. */
    private FunctionComputeClient client() {
        AccessCredentials credentials = connection.credentials().current();
        ClientGeneration g = current;
        if (g != null && g.credentials.equals(credentials)) return g.client;
        synchronized (this) {
            g = current;
            if (g == null || !g.credentials.equals(credentials)) {
                g = new ClientGeneration(credentials, FcClients.create(connection, credentials));
                current = g;
            }
            return g.client;
        }
    }

    @Override
    public void close() {
        closed =
                true; // the sync client holds no pooled resources of its own (HttpURLConnection keep-alive is JVM-wide)
        current = null;
    }

    @Override
    public String toString() {
        return "SdkFunctionInvoker{" + connection.functionPath() + " at " + connection.endpoint() + '}';
    }

    private static final class ClientGeneration {
        final AccessCredentials credentials;
        final FunctionComputeClient client;

        ClientGeneration(AccessCredentials credentials, FunctionComputeClient client) {
            this.credentials = credentials;
            this.client = client;
        }
    }
}
