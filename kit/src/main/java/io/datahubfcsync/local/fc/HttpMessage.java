package io.datahubfcsync.local.fc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Plain HTTP/1.1 request and response values for {@link RawHttpServer}. Header names keep the case
 * they were written with: FC 2.0's SDK looks up {@code X-Fc-Request-Id} only as written so, and
 * {@code X-Fc-Error-Type} as written so or in lower case, which is the whole reason this server exists.
 */
public final class HttpMessage {
    private HttpMessage() {}

    /** One header as sent, name case preserved. */
    public record Header(String name, String value) {}

    /** A parsed request. {@code body} holds at most the server's body limit; see {@link #bodyLength}. */
    public record Request(
            String method, String rawTarget, String httpVersion, List<Header> headers, byte[] body, long bodyLength) {

        /** The first value of a header, matched case-insensitively as HTTP requires; null if absent. */
        public String header(String name) {
            for (Header h : headers) {
                if (h.name().equalsIgnoreCase(name)) return h.value();
            }
            return null;
        }

        /** The path without query string, still percent-encoded. */
        public String rawPath() {
            int q = rawTarget.indexOf('?');
            return q < 0 ? rawTarget : rawTarget.substring(0, q);
        }

        /** True when the body was larger than the server keeps in memory (it was read and discarded). */
        public boolean bodyTruncated() {
            return bodyLength > body.length;
        }
    }

    /** A response; {@link #DROP} closes the connection without answering. */
    public static final class Response {
        /** Close the socket without writing anything, as a crashed front end would. */
        public static final Response DROP = new Response(0, List.of(), new byte[0]);

        private final int status;
        private final List<Header> headers;
        private final byte[] body;

        private Response(int status, List<Header> headers, byte[] body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        public static Builder status(int status) {
            return new Builder(status);
        }

        public int status() {
            return status;
        }

        public List<Header> headers() {
            return headers;
        }

        public byte[] body() {
            return body;
        }

        public String header(String name) {
            for (Header h : headers) {
                if (h.name().equalsIgnoreCase(name)) return h.value();
            }
            return null;
        }

        public boolean isDrop() {
            return this == DROP;
        }

        public static final class Builder {
            private final int status;
            private final List<Header> headers = new ArrayList<>();
            private byte[] body = new byte[0];

            private Builder(int status) {
                if (status < 100 || status > 999) throw new IllegalArgumentException("HTTP status " + status);
                this.status = status;
            }

            /** Adds a header exactly as named; Content-Length is computed by the server. */
            public Builder header(String name, String value) {
                if (name.toLowerCase(Locale.ROOT).equals("content-length")) {
                    throw new IllegalArgumentException("Content-Length is written by the server");
                }
                headers.add(new Header(name, value));
                return this;
            }

            public Builder body(byte[] bytes) {
                body = bytes == null ? new byte[0] : bytes;
                return this;
            }

            public Builder body(String text) {
                return body(text.getBytes(StandardCharsets.UTF_8));
            }

            public Response build() {
                return new Response(status, Collections.unmodifiableList(new ArrayList<>(headers)), body);
            }
        }
    }
}
