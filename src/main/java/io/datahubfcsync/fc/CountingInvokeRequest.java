package io.datahubfcsync.fc;

import com.aliyuncs.fc.request.InvokeFunctionRequest;
import java.io.IOException;
import java.net.HttpURLConnection;

/**
 * An {@link InvokeFunctionRequest} that counts the HTTP requests the SDK sends for it.
 *
 * <p>{@code DefaultFcClient.doAction} (SDK 1.8.25) silently re-sends a request up to 3 times in
 * total when FC answers 5xx, and each re-send may run the user's function again. The SDK opens a
 * new connection through {@link #getHttpConnection} for every send, so counting calls to it gives
 * the exact number of HTTP requests of one logical invocation.
 */
final class CountingInvokeRequest extends InvokeFunctionRequest {
    private int httpAttempts;

    CountingInvokeRequest(String service, String function) {
        super(service, function);
    }

    @Override
    public HttpURLConnection getHttpConnection(String url, String method) throws IOException {
        httpAttempts++; // one request object per invocation, used by one thread
        return super.getHttpConnection(url, method);
    }

    int httpAttempts() {
        return httpAttempts;
    }
}
