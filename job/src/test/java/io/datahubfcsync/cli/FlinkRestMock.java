package io.datahubfcsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.datahubfcsync.delivery.control.ResumeRequest;
import io.datahubfcsync.delivery.control.ShardStatusRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;

/**
 * A stand-in for a JobManager's REST API with the two endpoints the shards command calls, answering
 * the way Flink does: {@code GET /jobs/<id>} with the job's name and state (404 {"errors": [...]} for
 * an unknown id), and {@code POST /jobs/<id>/coordinators/<uid>} whose base64 request is read with
 * the real coordinator types (so a twin that drifts from them fails here) and handed to a test
 * coordinator whose real response goes back serialized.
 */
final class FlinkRestMock implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String jobId;
    private volatile String jobState = "RUNNING";
    private volatile Function<CoordinationRequest, CoordinationResponse> coordinator = r -> {
        throw new IllegalStateException("no coordinator answer set for " + r);
    };
    private volatile String failure;
    private volatile int failureStatus;
    private final List<CoordinationRequest> received = new ArrayList<>();
    private final List<String> coordinatorPaths = new ArrayList<>();

    FlinkRestMock(String jobId) {
        this.jobId = jobId;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/jobs/", this::handle);
        server.start();
    }

    URI address() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    FlinkRestMock jobState(String state) {
        this.jobState = state;
        return this;
    }

    FlinkRestMock coordinator(Function<CoordinationRequest, CoordinationResponse> coordinator) {
        this.coordinator = coordinator;
        return this;
    }

    /** The coordinator call fails as Flink's handler reports an exception: HTTP 500 with the stack trace. */
    FlinkRestMock coordinatorFails(String stackTrace) {
        return coordinatorFails(500, stackTrace);
    }

    FlinkRestMock coordinatorFails(int status, String stackTrace) {
        this.failureStatus = status;
        this.failure = stackTrace;
        return this;
    }

    synchronized List<CoordinationRequest> received() {
        return List.copyOf(received);
    }

    synchronized List<String> coordinatorPaths() {
        return List.copyOf(coordinatorPaths);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String[] parts = path.split("/");
        // "", "jobs", id[, "coordinators", uid]
        if (parts.length < 3 || !parts[2].equals(jobId)) {
            respond(exchange, 404, errors("Job " + (parts.length > 2 ? parts[2] : "") + " not found"));
            return;
        }
        if (parts.length == 3 && exchange.getRequestMethod().equals("GET")) {
            ObjectNode job = JSON.createObjectNode()
                    .put("jid", jobId)
                    .put("name", "datahub-fc-sync p/t -> s/f")
                    .put("state", jobState);
            respond(exchange, 200, job.toString());
            return;
        }
        if (parts.length == 5
                && parts[3].equals("coordinators")
                && exchange.getRequestMethod().equals("POST")) {
            synchronized (this) {
                coordinatorPaths.add(path);
            }
            if (failure != null) {
                respond(
                        exchange,
                        failureStatus,
                        JSON.createObjectNode()
                                .set(
                                        "errors",
                                        JSON.createArrayNode()
                                                .add("Internal server error.")
                                                .add(failure))
                                .toString());
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            CoordinationRequest request = (CoordinationRequest) deserialize(Base64.getDecoder()
                    .decode(body.path("serializedCoordinationRequest").asText()));
            synchronized (this) {
                received.add(request);
            }
            CoordinationResponse response = coordinator.apply(request);
            respond(
                    exchange,
                    200,
                    JSON.createObjectNode()
                            .put(
                                    "serializedCoordinationResult",
                                    Base64.getEncoder().encodeToString(serialize(response)))
                            .toString());
            return;
        }
        respond(exchange, 404, errors("Not found: " + path));
    }

    static ShardStatusRequest asStatusRequest(CoordinationRequest request) {
        return (ShardStatusRequest) request;
    }

    static ResumeRequest asResumeRequest(CoordinationRequest request) {
        return (ResumeRequest) request;
    }

    static byte[] serialize(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Object deserialize(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String errors(String message) {
        return JSON.createObjectNode()
                .set("errors", JSON.createArrayNode().add(message))
                .toString();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
