package io.datahubfcsync.fc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datahubfcsync.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link InstantProbeSocket} over loopback TCP: OkHttp 3's 1 ms connection check answered from what
 * has arrived (healthy, data, or closed), every other read as a plain socket's; and OkHttp itself,
 * on sockets from {@link TeaSockets.Factory}, reusing a healthy pooled connection and replacing one
 * the server closed; and the same over TLS layered on these sockets, as HTTPS endpoints use them.
 */
class InstantProbeSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private ServerSocket server;
    private Socket client;
    private Socket accepted;

    @BeforeEach
    void connect() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        client = new TeaSockets.Factory().createSocket();
        client.connect(server.getLocalSocketAddress(), 5_000);
        accepted = server.accept();
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        accepted.close();
        server.close();
    }

    private int probe(byte[] into) throws IOException {
        return probe(client, into);
    }

    /** What OkHttp 3 does to check a pooled connection: read with a 1 ms timeout, then restore the timeout. */
    private static int probe(Socket s, byte[] into) throws IOException {
        int before = s.getSoTimeout();
        s.setSoTimeout(InstantProbeSocket.PROBE_TIMEOUT_MILLIS);
        try {
            return s.getInputStream().read(into, 0, into.length);
        } finally {
            s.setSoTimeout(before);
        }
    }

    @Test
    void theProbeOfAnIdleOpenConnectionTimesOutWithoutWaitingAndTheConnectionStillWorks() throws IOException {
        assertThatThrownBy(() -> probe(new byte[16]))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("without waiting");

        accepted.getOutputStream().write('x');
        client.setSoTimeout(5_000);
        assertThat(client.getInputStream().read()).isEqualTo('x');
        assertThat(client.getTcpNoDelay())
                .as("the factory's sockets set TCP_NODELAY")
                .isTrue();
    }

    @Test
    void theProbeReturnsTheBytesThatHaveAlreadyArrived() throws IOException {
        accepted.getOutputStream().write("abc".getBytes(StandardCharsets.US_ASCII));
        Await.until("the bytes reached the client", WAIT, () -> available(client) == 3);

        byte[] into = new byte[16];
        assertThat(probe(into)).isEqualTo(3);
        assertThat(new String(into, 0, 3, StandardCharsets.US_ASCII)).isEqualTo("abc");
    }

    @Test
    void theProbeOfAConnectionTheServerClosedSeesTheEndOfTheStream() throws IOException {
        accepted.close();

        int n = Await.value("the probe sees the server's close", WAIT, () -> probeOrZeroOnTimeout(), r -> r != 0);

        assertThat(n).isEqualTo(-1);
    }

    @Test
    void readsWithAnyOtherTimeoutWaitTheirTimeoutAndThenReturnDataAsBefore() throws IOException {
        client.setSoTimeout(200);
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.getInputStream().read())
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageNotContaining("without waiting");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("a real read timeout is not shortened")
                .isGreaterThanOrEqualTo(Duration.ofMillis(200));

        accepted.getOutputStream().write("late".getBytes(StandardCharsets.US_ASCII));
        client.setSoTimeout(5_000);
        byte[] into = new byte[4];
        int n = 0;
        while (n < 4) n += client.getInputStream().read(into, n, 4 - n);
        assertThat(new String(into, StandardCharsets.US_ASCII)).isEqualTo("late");
    }

    @Test
    void readsWithoutTimeoutBlockUntilTheServerAnswers() throws Exception {
        SynchronousQueue<Integer> got = new SynchronousQueue<>();
        Thread reader = new Thread(() -> {
            try {
                got.put(client.getInputStream().read());
            } catch (Exception e) {
                got.offer(-2);
            }
        });
        reader.start();
        assertThat(got.poll(100, TimeUnit.MILLISECONDS))
                .as("nothing to read yet")
                .isNull();

        accepted.getOutputStream().write('y');

        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo((int) 'y');
        reader.join();
    }

    @Test
    void okHttpReusesAHealthyPooledConnectionAndReplacesOneTheServerClosed() throws Exception {
        try (TinyHttpServer http = new TinyHttpServer()) {
            List<Socket> sockets = new CopyOnWriteArrayList<>();
            OkHttpClient okHttp = new OkHttpClient.Builder()
                    .retryOnConnectionFailure(false)
                    .socketFactory(new RememberingFactory(sockets))
                    .build();

            assertThat(post(okHttp, http)).isEqualTo("ok 1");
            assertThat(post(okHttp, http))
                    .as("the second POST passed the check of the pooled connection")
                    .isEqualTo("ok 2");
            assertThat(http.connections.get()).isEqualTo(1);

            http.closeAfterNextResponse = true;
            assertThat(post(okHttp, http)).isEqualTo("ok 3");
            Socket closedByServer = sockets.get(0);
            Await.until("the server closed the first connection", WAIT, () -> http.closed.get() == 1);
            Await.value(
                    "the client's end of the first connection received the server's close (CLOSE_WAIT)",
                    WAIT,
                    () -> inCloseWait(closedByServer),
                    Boolean::booleanValue);

            assertThat(post(okHttp, http))
                    .as("the POST after the close went over a new connection")
                    .isEqualTo("ok 4");
            assertThat(http.connections.get()).isEqualTo(2);
            assertThat(sockets).hasSize(2);
        }
    }

    @Test
    void overTlsTheProbeIsAnsweredAtOnceRealReadsTimeOutAsBeforeAndTheServersCloseIsSeen(@TempDir Path dir)
            throws Exception {
        SSLContext tls = selfSignedTls(dir);
        try (SSLServerSocket tlsServer = (SSLServerSocket)
                tls.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            SynchronousQueue<Socket> serverSide = new SynchronousQueue<>();
            Thread acceptor = new Thread(() -> {
                try {
                    Socket s = tlsServer.accept();
                    s.getInputStream().read();
                    s.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    serverSide.put(s);
                } catch (Exception e) {
                    serverSide.offer(new Socket());
                }
            });
            acceptor.start();
            Socket raw = new TeaSockets.Factory().createSocket();
            raw.connect(tlsServer.getLocalSocketAddress(), 5_000);
            try (SSLSocket c =
                    (SSLSocket) tls.getSocketFactory().createSocket(raw, "127.0.0.1", tlsServer.getLocalPort(), true)) {
                SSLParameters verifyHost = c.getSSLParameters();
                verifyHost.setEndpointIdentificationAlgorithm("HTTPS");
                c.setSSLParameters(verifyHost);
                c.getOutputStream().write('p');
                c.getOutputStream().flush();
                c.setSoTimeout(5_000);
                assertThat(new String(c.getInputStream().readNBytes(4), StandardCharsets.US_ASCII))
                        .isEqualTo("pong");
                Socket accepted = serverSide.poll(10, TimeUnit.SECONDS);

                assertThatThrownBy(() -> probe(c, new byte[16]))
                        .as("the probe over TLS of the idle connection")
                        .isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining("without waiting");
                c.setSoTimeout(200);
                long start = System.nanoTime();
                assertThatThrownBy(() -> c.getInputStream().read())
                        .isInstanceOf(SocketTimeoutException.class)
                        .hasMessageNotContaining("without waiting");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));

                accepted.close();
                int n = Await.value(
                        "the probe over TLS sees the server's close", WAIT, () -> probeOrZeroOnTimeout(c), r -> r != 0);
                assertThat(n).isEqualTo(-1);
            }
            acceptor.join();
        }
    }

    /** A TLS context that trusts one self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
    private static SSLContext selfSignedTls(Path dir) throws Exception {
        Path store = dir.resolve("tls.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as("keytool: %s", output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        km.init(keys, "changeit".toCharArray());
        TrustManagerFactory tm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tm.init(keys);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(km.getKeyManagers(), tm.getTrustManagers(), null);
        return tls;
    }

    private int probeOrZeroOnTimeout() throws IOException {
        return probeOrZeroOnTimeout(client);
    }

    private static int probeOrZeroOnTimeout(Socket s) throws IOException {
        try {
            return probe(s, new byte[16]);
        } catch (SocketTimeoutException e) {
            return 0;
        }
    }

    /**
     * Whether the kernel has the socket in CLOSE_WAIT, i.e. it received the peer's FIN: read from
     * /proc/net/tcp, so the wait does not depend on the socket under test.
     */
    private static boolean inCloseWait(Socket s) throws IOException {
        String local = String.format(":%04X ", s.getLocalPort());
        String remote = String.format(":%04X ", s.getPort());
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) continue;
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && (f[1] + " ").endsWith(local) && (f[2] + " ").endsWith(remote)) {
                    return f[3].equals("08");
                }
            }
        }
        throw new IllegalStateException("no /proc/net/tcp entry for " + s);
    }

    private static int available(Socket s) {
        try {
            return s.getInputStream().available();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String post(OkHttpClient okHttp, TinyHttpServer http) throws IOException {
        Request request = new Request.Builder()
                .url("http://127.0.0.1:" + http.port() + "/invoke")
                .post(RequestBody.create(MediaType.get("application/json"), "{}"))
                .build();
        try (Response response = okHttp.newCall(request).execute()) {
            return response.body().string();
        }
    }

    /** The Tea sockets, remembered so the test can see which connection is which. */
    private static final class RememberingFactory extends SocketFactory {
        private final SocketFactory sockets = new TeaSockets.Factory();
        private final List<Socket> created;

        RememberingFactory(List<Socket> created) {
            this.created = created;
        }

        @Override
        public Socket createSocket() throws IOException {
            Socket s = sockets.createSocket();
            created.add(s);
            return s;
        }

        @Override
        public Socket createSocket(String h, int p) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(String h, int p, InetAddress l, int lp) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(InetAddress h, int p) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(InetAddress h, int p, InetAddress l, int lp) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * HTTP/1.1 on loopback, keeping connections open (no {@code Connection: close}, so OkHttp pools
     * them); when told, it closes a connection right after its next response, as a server whose
     * keep-alive timeout ran out does.
     */
    private static final class TinyHttpServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        volatile boolean closeAfterNextResponse;
        private final Thread acceptor;

        TinyHttpServer() throws IOException {
            acceptor = new Thread(this::acceptAll, "tiny-http");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return ((InetSocketAddress) socket.getLocalSocketAddress()).getPort();
        }

        private void acceptAll() {
            try {
                while (true) {
                    Socket c = socket.accept();
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(c), "tiny-http-conn");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException closedServer) {
                // the test is over
            }
        }

        private void serve(Socket c) {
            try (c) {
                InputStream in = c.getInputStream();
                OutputStream out = c.getOutputStream();
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1);
                while (true) {
                    String line = lines.readLine();
                    if (line == null) return;
                    int length = 0;
                    while (!(line = lines.readLine()).isEmpty()) {
                        if (line.toLowerCase().startsWith("content-length:"))
                            length = Integer.parseInt(line.substring(15).trim());
                    }
                    for (int i = 0; i < length; i++) lines.read();
                    byte[] body = ("ok " + requests.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    if (closeAfterNextResponse) {
                        closeAfterNextResponse = false;
                        c.close();
                        closed.incrementAndGet();
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
