package io.datahubfcsync.fc;

import com.aliyun.tea.okhttp.ClientHelper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.apache.flink.annotation.VisibleForTesting;

/**
 * Gives the FC 3.0 SDK's connections the sockets an invocation needs: TCP_NODELAY, and OkHttp 3's
 * connection check answered without waiting ({@link InstantProbeSocket}).
 *
 * <p>The Tea runtime sends requests through OkHttp 3 on plain sockets. Two costs follow on every
 * call. Nagle's algorithm is on: OkHttp writes an event larger than its 8 KiB buffer segment in two
 * writes; the second then waits until FC acknowledges the first, and FC, still waiting for the rest
 * of the body, acknowledges only when its delayed-ACK timer fires: about 40 ms added to every such
 * invocation (measured against the local FC emulator: 53 ms instead of 3 ms per call with a 10 KB
 * event). And before each POST over a pooled connection OkHttp reads with a 1 ms timeout to see
 * whether the server closed it, which on a healthy connection waits that millisecond out.
 *
 * <p>The Tea runtime has no socket option, but it keeps its OkHttp clients in the public map
 * {@link ClientHelper#clients}, one per endpoint and settings; each one found there is replaced once
 * by a copy whose sockets come from {@link Factory}, with a fresh connection pool so no socket of
 * the old kind is reused. TLS (the socket factory for HTTPS layers over these sockets), timeouts and
 * everything else of the client stay as the runtime made them.
 */
final class TeaSockets {
    private static final int KEEP_ALIVE_CONNECTIONS = 128;
    private static final long KEEP_ALIVE_MS = 10_000; // the Tea runtime's own default

    private TeaSockets() {}

    /** Replaces every cached Tea client that still makes plain sockets; true if all now use {@link Factory}. */
    static boolean apply() {
        boolean all = !ClientHelper.clients.isEmpty();
        for (Map.Entry<String, OkHttpClient> e : ClientHelper.clients.entrySet()) {
            OkHttpClient client = e.getValue();
            if (client.socketFactory() instanceof Factory) continue;
            OkHttpClient tuned = client.newBuilder()
                    .socketFactory(new Factory())
                    .connectionPool(new ConnectionPool(KEEP_ALIVE_CONNECTIONS, KEEP_ALIVE_MS, TimeUnit.MILLISECONDS))
                    .build();
            if (ClientHelper.clients.replace(e.getKey(), client, tuned)) {
                client.connectionPool().evictAll();
            } else {
                all = false; // replaced concurrently; the next call looks again
            }
        }
        return all;
    }

    /** True when the Tea runtime's clients all use {@link Factory}. */
    @VisibleForTesting
    static boolean applied() {
        return !ClientHelper.clients.isEmpty()
                && ClientHelper.clients.values().stream().allMatch(c -> c.socketFactory() instanceof Factory);
    }

    /** Creates {@link InstantProbeSocket}s with TCP_NODELAY. */
    static final class Factory extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            Socket s = new InstantProbeSocket();
            s.setTcpNoDelay(true);
            return s;
        }

        private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
            Socket s = createSocket();
            try {
                if (local != null) s.bind(local);
                s.connect(remote);
                return s;
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port), null);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port), null);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
        }
    }
}
