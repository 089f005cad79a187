package io.datahubfcsync.fc;

import com.aliyuncs.fc.request.InvokeFunctionRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.List;
import java.util.Map;

/**
 * An {@link InvokeFunctionRequest} that goes on the wire once, however often the FC 2.0 SDK sends it.
 *
 * <p>{@code DefaultFcClient.doAction} (SDK 1.8.25) sends a request up to 3 times in total, at once and
 * without a pause, while FC answers 5xx; the switch for it ({@code DefaultFcClient.AUTO_RETRY}) is a
 * constant. Every re-send may run the user's function again, unseen by the job's retry policy. The
 * SDK asks the request for a new connection through {@link #getHttpConnection} before every send,
 * and that is the one place where the re-sends can be kept off the network: the first send is a
 * real connection whose answer is recorded as it is read; every later send of the same request gets
 * a {@link ReplayedAnswer} of that recorded 5xx instead, so the SDK ends its loop with the same
 * exception it would have built from the last of three identical answers, and FC saw one request.
 * The job's retry loop then decides, after {@code retry.interval}, whether to try again.
 *
 * <p>One request object per invocation, used by one thread.
 */
final class SingleSendInvokeRequest extends InvokeFunctionRequest {
    private int wireRequests;
    private RecordingConnection first;

    SingleSendInvokeRequest(String service, String function) {
        super(service, function);
    }

    @Override
    public HttpURLConnection getHttpConnection(String url, String method) throws IOException {
        if (first != null && first.answered() && first.status >= 500) {
            return new ReplayedAnswer(new URL(url), first);
        }
        wireRequests++;
        first = new RecordingConnection(super.getHttpConnection(url, method));
        return first;
    }

    /** HTTP requests that went on the wire for this invocation: 1, or 0 when none could be opened. */
    int wireRequests() {
        return wireRequests;
    }

    /** The HTTP status FC answered, or 0 when no answer was read (refused, timed out, dropped). */
    int answeredStatus() {
        return first != null && first.answered() ? first.status : 0;
    }

    /**
     * The real connection, passing through every call the SDK makes while keeping the status, the
     * header fields and the body it read, so they can be replayed.
     */
    private static final class RecordingConnection extends HttpURLConnection {
        private final HttpURLConnection real;
        private int status = -1;
        private Map<String, List<String>> headerFields;
        private byte[] errorBody; // null: the real connection had no error stream
        private boolean errorBodyRead;

        RecordingConnection(HttpURLConnection real) {
            super(real.getURL());
            this.real = real;
        }

        boolean answered() {
            return status > 0;
        }

        @Override
        public void setConnectTimeout(int timeout) {
            real.setConnectTimeout(timeout);
        }

        @Override
        public void setReadTimeout(int timeout) {
            real.setReadTimeout(timeout);
        }

        @Override
        public int getConnectTimeout() {
            return real.getConnectTimeout();
        }

        @Override
        public int getReadTimeout() {
            return real.getReadTimeout();
        }

        @Override
        public void connect() throws IOException {
            real.connect();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return real.getOutputStream();
        }

        @Override
        public void disconnect() {
            real.disconnect();
        }

        @Override
        public boolean usingProxy() {
            return real.usingProxy();
        }

        @Override
        public String getHeaderField(String name) {
            return real.getHeaderField(name);
        }

        @Override
        public String getHeaderField(int n) {
            return real.getHeaderField(n);
        }

        @Override
        public String getHeaderFieldKey(int n) {
            return real.getHeaderFieldKey(n);
        }

        @Override
        public InputStream getInputStream() throws IOException {
            try {
                InputStream in = real.getInputStream();
                status = real.getResponseCode();
                return in;
            } catch (IOException e) {
                try {
                    status = real.getResponseCode(); // an error status arrives as an IOException too
                } catch (IOException transportFailure) {
                    // no answer at all: refused, timed out, dropped; nothing to replay
                }
                throw e;
            }
        }

        @Override
        public InputStream getErrorStream() {
            if (!errorBodyRead) {
                errorBodyRead = true;
                InputStream in = real.getErrorStream();
                if (in != null) {
                    try (in) {
                        errorBody = in.readAllBytes();
                    } catch (IOException e) {
                        errorBody = new byte[0]; // the SDK would have read as far as this too
                    }
                }
            }
            return errorBody == null ? null : new ByteArrayInputStream(errorBody);
        }

        @Override
        public int getResponseCode() throws IOException {
            status = real.getResponseCode();
            return status;
        }

        @Override
        public Map<String, List<String>> getHeaderFields() {
            headerFields = real.getHeaderFields();
            return headerFields;
        }
    }

    /** The recorded 5xx answer of the first send, offered to the SDK without contacting FC. */
    private static final class ReplayedAnswer extends HttpURLConnection {
        private final RecordingConnection answer;

        ReplayedAnswer(URL url, RecordingConnection answer) {
            super(url);
            this.answer = answer;
        }

        @Override
        public void connect() {
            connected = true;
        }

        @Override
        public void disconnect() {}

        @Override
        public boolean usingProxy() {
            return false;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public int getResponseCode() {
            return answer.status;
        }

        @Override
        public InputStream getErrorStream() {
            return answer.getErrorStream();
        }

        @Override
        public InputStream getInputStream() throws IOException {
            // what the JDK's HttpURLConnection does for an error status, which sends the SDK to getErrorStream
            throw new IOException("Server returned HTTP response code: " + answer.status + " for URL: " + url);
        }

        @Override
        public Map<String, List<String>> getHeaderFields() {
            return answer.headerFields != null ? answer.headerFields : answer.getHeaderFields();
        }
    }
}
