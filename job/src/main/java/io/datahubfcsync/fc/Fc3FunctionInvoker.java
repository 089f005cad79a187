package io.datahubfcsync.fc;

import com.aliyun.fc20230330.Client;
import com.aliyun.teautil.models.RuntimeOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Objects;

/**
 * Invokes one FC 3.0 function synchronously with {@code com.aliyun:fc20230330}
 * ({@code POST /2023-03-30/functions/{name}/invocations[?qualifier=]}).
 *
 * <p>One client per subtask, shared by all shards: a call's state lives in its own request object;
 * the operation's description, headers and runtime options are immutable and shared
 * ({@link Fc3InvokeCall}). Every call is one HTTP request: the SDK's retry is off
 * ({@link Fc3Clients#singleAttempt}), so the job's retry policy governs every attempt. The
 * credentials are read from the connection's source for every request, so rotated ones are used
 * without a new client. After the first call its connections set TCP_NODELAY, OkHttp 3's check
 * of a pooled connection does not wait, and a direct route is not asked for again on every call
 * ({@link TeaSockets}); while an invoker is open, Okio's timeout
 * thread is not woken by every write and read ({@link OkioWatchdogSentinel}).
 */
public final class Fc3FunctionInvoker implements FunctionInvoker {
    private final FcConnection connection;
    private final Client client;
    private final RuntimeOptions runtime;
    private final Fc3InvokeCall call;
    private final URI endpoint;
    private volatile boolean closed;
    private volatile boolean tuned; // the Tea runtime's OkHttp client for this endpoint uses TeaSockets

    public Fc3FunctionInvoker(FcConnection connection) {
        this.connection = Objects.requireNonNull(connection);
        if (connection.apiVersion() != FcApiVersion.V3_2023_03_30) {
            throw new IllegalArgumentException("not an FC 3.0 connection: " + connection);
        }
        this.client = Fc3Clients.create(connection);
        this.runtime = Fc3Clients.singleAttempt(connection);
        this.call = new Fc3InvokeCall(connection.function(), connection.qualifier());
        this.endpoint = URI.create(connection.endpoint());
        OkioWatchdogSentinel.acquire(); // released by close()
    }

    @Override
    public InvocationResult invoke(byte[] event) {
        if (closed) throw new IllegalStateException("invoker for " + connection.functionPath() + " is closed");
        long start = System.nanoTime();
        try {
            Fc3InvokeCall.Answer answer = call.invoke(client, event, runtime);
            byte[] body = readAll(answer.body());
            if (!tuned) tuned = TeaSockets.apply(endpoint); // the runtime creates its client on the first call
            return Fc3Outcomes.fromResponse(answer.statusCode(), answer.headers(), body, System.nanoTime() - start);
        } catch (Exception e) {
            if (!tuned) tuned = TeaSockets.apply(endpoint);
            return Fc3Outcomes.fromException(e, System.nanoTime() - start);
        }
    }

    private static byte[] readAll(InputStream body) throws IOException {
        if (body == null) return new byte[0];
        try (body) {
            return body.readAllBytes();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true; // the SDK's OkHttp clients are shared per endpoint inside the Tea runtime
        OkioWatchdogSentinel.release();
    }

    @Override
    public String toString() {
        return "Fc3FunctionInvoker{" + connection.functionPath() + " at " + connection.endpoint() + '}';
    }
}
