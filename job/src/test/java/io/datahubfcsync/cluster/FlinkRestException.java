package io.datahubfcsync.cluster;

/** A Flink REST call answered with an error status; {@link #body()} holds Flink's {@code {"errors":[...]}} text. */
public final class FlinkRestException extends RuntimeException {

    private final int status;
    private final String body;

    FlinkRestException(String method, String path, int status, String body) {
        super(method + " " + path + " -> HTTP " + status + ": " + body);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
