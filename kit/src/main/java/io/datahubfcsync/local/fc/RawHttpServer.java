package io.datahubfcsync.local.fc;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server on 127.0.0.1 that writes response header names exactly as given.
 *
 * <p>Why not {@code com.sun.net.httpserver}: it rewrites {@code X-Fc-Request-Id} to
 * {@code X-fc-request-id}, and the FC SDK then reports no request id and no function error.
 * Why one thread per connection: the SDK's {@code HttpURLConnection} keeps connections alive, so a
 * connection is a client thread; a cached pool follows the client's concurrency without tuning.
 * Each response is one {@code write} on a TCP_NODELAY socket, which avoids the 40 ms Nagle /
 * delayed-ACK stall on loopback.
 */
public final class RawHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RawHttpServer.class);
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    /** Answers one request; runs on the connection's thread, so it may block (latency faults). */
    @FunctionalInterface
    public interface Handler {
        HttpMessage.Response handle(HttpMessage.Request request) throws Exception;
    }

    private final String name;
    private final Handler handler;
    private final long maxBodyBytesKept;
    private final ServerSocket serverSocket;
    private final ExecutorService connections;
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private RawHttpServer(String name, Handler handler, long maxBodyBytesKept) throws IOException {
        this.name = name;
        this.handler = handler;
        this.maxBodyBytesKept = maxBodyBytesKept;
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        AtomicInteger threadNo = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-conn-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a server on a free loopback port.
     *
     * @param maxBodyBytesKept request bodies above this are read to the end (so the client sees an
     *     answer rather than a broken pipe) but only this many bytes are kept
     */
    public static RawHttpServer start(String name, Handler handler, long maxBodyBytesKept) throws IOException {
        return new RawHttpServer(name, handler, maxBodyBytesKept);
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = serverSocket.accept();
                s.setTcpNoDelay(true);
                openSockets.add(s);
                connections.execute(() -> serve(s));
            } catch (IOException e) {
                if (!closed) LOG.warn("{}: accept failed: {}", name, e.toString());
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                HttpMessage.Request request = readRequest(in, out);
                if (request == null) return; // client closed an idle keep-alive connection
                HttpMessage.Response response;
                try {
                    response = handler.handle(request);
                } catch (InterruptedException e) {
                    return; // server closing while a handler waited (injected latency)
                } catch (Exception e) {
                    LOG.error("{}: handler failed for {} {}", name, request.method(), request.rawPath(), e);
                    response = HttpMessage.Response.status(500)
                            .header("Content-Type", "application/json")
                            .body("{\"ErrorCode\":\"InternalServerError\",\"ErrorMessage\":\"emulator handler failed: "
                                    + e.getClass().getSimpleName() + "\"}")
                            .build();
                }
                if (response.isDrop()) return;
                boolean keepAlive = keepAlive(request);
                out.write(serialize(response, keepAlive));
                out.flush();
                if (!keepAlive) return;
            }
        } catch (BadRequestException e) {
            writeQuietly(
                    socket,
                    HttpMessage.Response.status(400)
                            .header("Content-Type", "text/plain")
                            .body(e.getMessage())
                            .build());
        } catch (SocketException | EOFException e) {
            // peer went away mid-request: nothing to answer
        } catch (IOException e) {
            if (!closed) LOG.debug("{}: connection error: {}", name, e.toString());
        } finally {
            openSockets.remove(socket);
        }
    }

    private HttpMessage.Request readRequest(InputStream in, OutputStream out) throws IOException {
        int[] headerBudget = {MAX_HEADER_BYTES};
        String requestLine = readLine(in, headerBudget);
        if (requestLine == null) return null;
        while (requestLine.isEmpty()) { // tolerate stray CRLF between requests (RFC 9112 §2.2)
            requestLine = readLine(in, headerBudget);
            if (requestLine == null) return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequestException("malformed request line");
        }
        List<HttpMessage.Header> headers = new ArrayList<>();
        while (true) {
            String line = readLine(in, headerBudget);
            if (line == null) throw new EOFException("connection closed inside headers");
            if (line.isEmpty()) break;
            int colon = line.indexOf(':');
            if (colon <= 0) throw new BadRequestException("malformed header line");
            headers.add(new HttpMessage.Header(
                    line.substring(0, colon), line.substring(colon + 1).trim()));
        }
        String version = parts[2];
        HttpMessage.Request head = new HttpMessage.Request(parts[0], parts[1], version, headers, new byte[0], 0);
        if ("100-continue".equalsIgnoreCase(head.header("Expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        BodyReader body = new BodyReader(maxBodyBytesKept);
        String te = head.header("Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body.readChunked(in, headerBudget);
        } else {
            String cl = head.header("Content-Length");
            if (cl != null) {
                long length;
                try {
                    length = Long.parseLong(cl.trim());
                } catch (NumberFormatException e) {
                    throw new BadRequestException("bad Content-Length");
                }
                if (length < 0) throw new BadRequestException("bad Content-Length");
                body.readFixed(in, length);
            }
        }
        return new HttpMessage.Request(parts[0], parts[1], version, List.copyOf(headers), body.kept(), body.total());
    }

    private static boolean keepAlive(HttpMessage.Request request) {
        String connection = request.header("Connection");
        boolean http10 = "HTTP/1.0".equals(request.httpVersion());
        if (connection != null && connection.equalsIgnoreCase("close")) return false;
        if (http10) return connection != null && connection.equalsIgnoreCase("keep-alive");
        return true;
    }

    private static byte[] serialize(HttpMessage.Response response, boolean keepAlive) {
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ")
                .append(response.status())
                .append(' ')
                .append(reason(response.status()))
                .append("\r\n");
        for (HttpMessage.Header h : response.headers()) {
            head.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        head.append("Content-Length: ").append(response.body().length).append("\r\n");
        if (!keepAlive) head.append("Connection: close\r\n");
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + response.body().length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(response.body(), 0, all, headBytes.length, response.body().length);
        return all;
    }

    private static void writeQuietly(Socket socket, HttpMessage.Response response) {
        try {
            socket.getOutputStream().write(serialize(response, false));
        } catch (IOException ignored) {
            // best effort on a connection we are closing anyway
        }
    }

    /** Reads one CRLF- (or LF-) terminated line in ISO-8859-1; null at end of stream before any byte. */
    private static String readLine(InputStream in, int[] budget) throws IOException {
        byte[] line = new byte[128];
        int len = 0;
        int c;
        boolean any = false;
        while ((c = in.read()) != -1) {
            any = true;
            if (--budget[0] < 0) throw new BadRequestException("request header too large");
            if (c == '\n') {
                if (len > 0 && line[len - 1] == '\r') len--;
                return new String(line, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (len == line.length) line = Arrays.copyOf(line, len * 2);
            line[len++] = (byte) c;
        }
        if (!any) return null;
        throw new EOFException("connection closed inside a line");
    }

    static String reason(int status) {
        switch (status) {
            case 200:
                return "OK";
            case 202:
                return "Accepted";
            case 204:
                return "No Content";
            case 400:
                return "Bad Request";
            case 403:
                return "Forbidden";
            case 404:
                return "Not Found";
            case 405:
                return "Method Not Allowed";
            case 409:
                return "Conflict";
            case 413:
                return "Payload Too Large";
            case 429:
                return "Too Many Requests";
            case 500:
                return "Internal Server Error";
            case 502:
                return "Bad Gateway";
            case 503:
                return "Service Unavailable";
            case 504:
                return "Gateway Timeout";
            default:
                return "Status";
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : openSockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        connections.shutdownNow();
    }

    /** Accumulates a body, keeping at most {@code limit} bytes and counting the rest. */
    private static final class BodyReader {
        private final long limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long total;

        BodyReader(long limit) {
            this.limit = limit;
        }

        void readFixed(InputStream in, long length) throws IOException {
            byte[] buf = new byte[(int) Math.min(64 * 1024, Math.max(1, length))];
            long remaining = length;
            while (remaining > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                if (n < 0) throw new EOFException("connection closed inside the body");
                long room = limit - total;
                if (room > 0) kept.write(buf, 0, (int) Math.min(room, n));
                total += n;
                remaining -= n;
            }
        }

        void readChunked(InputStream in, int[] budget) throws IOException {
            while (true) {
                String sizeLine = readLine(in, budget);
                if (sizeLine == null) throw new EOFException("connection closed inside a chunked body");
                int semi = sizeLine.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new BadRequestException("bad chunk size");
                }
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = readLine(in, budget);
                    } while (trailer != null && !trailer.isEmpty());
                    return;
                }
                readFixed(in, size);
                readLine(in, budget); // CRLF after the chunk
            }
        }

        byte[] kept() {
            return kept.toByteArray();
        }

        long total() {
            return total;
        }
    }

    private static final class BadRequestException extends IOException {
        private static final long serialVersionUID = 1L;

        BadRequestException(String message) {
            super(message);
        }
    }
}
