package io.datahubfcsync.fc;

import com.aliyun.tea.okhttp.ClientHelper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.util.List;
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
 *
 * <p>A client the runtime made without a proxy asks the JVM's {@link java.net.ProxySelector} on every
 * call, which costs OkHttp a URI built and parsed from the request's URL each time. When the
 * selector answers "direct" for the FC endpoint, the copy for that endpoint is given
 * {@link Proxy#NO_PROXY} instead: the same route, decided once when the client is tuned (a proxy
 * configured for the JVM after that is not followed by that client). An endpoint the selector
 * sends through a proxy keeps asking it on every call.
 */
final class TeaSockets {
    private static final int KEEP_ALIVE_CONNECTIONS = 128;
    private static final long KEEP_ALIVE_MS = 10_000; // the Tea runtime's own default

    private TeaSockets() {}

    /**
     * Replaces every cached Tea client that still makes plain sockets; true if all now use
     * {@link Factory}. {@code endpoint} is the FC endpoint of the caller, whose client is also given a
     * fixed direct route when the JVM's proxy selector chooses none for it.
     */
    static boolean apply(URI endpoint) {
        boolean all = !ClientHelper.clients.isEmpty();
        for (Map.Entry<String, OkHttpClient> e : ClientHelper.clients.entrySet()) {
            OkHttpClient client = e.getValue();
            if (client.socketFactory() instanceof Factory) continue;
            OkHttpClient.Builder b = client.newBuilder()
                    .socketFactory(new Factory())
                    .connectionPool(new ConnectionPool(KEEP_ALIVE_CONNECTIONS, KEEP_ALIVE_MS, TimeUnit.MILLISECONDS));
            if (client.proxy() == null && isClientOf(e.getKey(), endpoint) && direct(client, endpoint)) {
                b.proxy(Proxy.NO_PROXY);
            }
            OkHttpClient tuned = b.build();
            if (ClientHelper.clients.replace(e.getKey(), client, tuned)) {
                client.connectionPool().evictAll();
            } else {
                all = false; // replaced concurrently; the next call looks again
            }
        }
        return all;
    }

    /** The runtime's key for a client is {@code host:port} of the request URL (-1: none), then its settings. */
    @VisibleForTesting
    static boolean isClientOf(String key, URI endpoint) {
        String hostPort = endpoint.getHost() + ":" + endpoint.getPort();
        return key.equals(hostPort) || key.startsWith(hostPort + ":");
    }

    private static boolean direct(OkHttpClient client, URI endpoint) {
        try {
            List<Proxy> chosen = client.proxySelector().select(endpoint);
            return chosen != null && chosen.size() == 1 && chosen.get(0).type() == Proxy.Type.DIRECT;
        } catch (RuntimeException e) {
            return false; // leave the choice to OkHttp on every call, as without tuning
        }
    }

    /** The route the Tea runtime's client for {@code endpoint} is fixed to, null when it asks the selector. */
    @VisibleForTesting
    static Proxy fixedProxy(URI endpoint) {
        for (Map.Entry<String, OkHttpClient> e : ClientHelper.clients.entrySet()) {
            if (isClientOf(e.getKey(), endpoint)) return e.getValue().proxy();
        }
        return null;
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
