package io.datahubfcsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datahubfcsync.cli.wire.ResumeRequest;
import io.datahubfcsync.cli.wire.ResumeResponse;
import io.datahubfcsync.cli.wire.ShardStatusRequest;
import io.datahubfcsync.cli.wire.ShardStatusResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The JobManager's REST API as the shards command uses it: the job's state ({@code GET /jobs/<id>})
 * and Flink's client-to-coordinator call ({@code POST /jobs/<id>/coordinators/<operator uid>}),
 * whose body carries the Java-serialized request in base64 and whose answer the serialized response.
 * Every failure becomes a {@link ShardsException} with one line that says what to check.
 */
final class JobManagerClient {

    /** The delivery operator's uid, which addresses its coordinator. */
    static final String DELIVERY_OPERATOR_UID = "fc-delivery";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST_FIELD = "serializedCoordinationRequest";
    private static final String RESPONSE_FIELD = "serializedCoordinationResult";

    private final URI jobManager;
    private final HttpClient http;
    private final Duration requestTimeout;

    JobManagerClient(URI jobManager, Duration connectTimeout, Duration requestTimeout) {
        this.jobManager = jobManager;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.requestTimeout = requestTimeout;
    }

    /** The job's name and state; fails if the JobManager does not know the job. */
    JobSummary job(String jobId) throws ShardsException {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(endpoint("/jobs/" + jobId)).GET());
        if (response.statusCode() == 404) {
            throw new ShardsException(
                    ShardsException.UNAVAILABLE,
                    "no job " + jobId + " at the JobManager " + jobManager
                            + ": check the id with 'flink list' or the web UI's Jobs page");
        }
        JsonNode body = json(response, "GET /jobs/" + jobId);
        return new JobSummary(body.path("name").asText(""), body.path("state").asText("UNKNOWN"));
    }

    /** Fails unless the job is RUNNING: only a running job's coordinator answers. */
    JobSummary requireRunning(String jobId) throws ShardsException {
        JobSummary job = job(jobId);
        if (!job.state().equals("RUNNING")) {
            throw new ShardsException(
                    ShardsException.UNAVAILABLE,
                    "job " + jobId + " (" + job.name() + ") is " + job.state()
                            + ", not RUNNING: shard status and resume need the running job");
        }
        return job;
    }

    ShardStatusResponse shardStatus(String jobId) throws ShardsException {
        return coordinate(jobId, new ShardStatusRequest(), ShardStatusResponse.class);
    }

    ResumeResponse resume(String jobId, ResumeRequest request) throws ShardsException {
        return coordinate(jobId, request, ResumeResponse.class);
    }

    private <T> T coordinate(String jobId, Record request, Class<T> answer) throws ShardsException {
        ObjectNode body = JSON.createObjectNode();
        body.put(REQUEST_FIELD, Base64.getEncoder().encodeToString(CoordinationWire.write(request)));
        String path = "/jobs/" + jobId + "/coordinators/" + DELIVERY_OPERATOR_UID;
        HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)));
        if (response.statusCode() == 404 && response.body().contains("CoordinatorNotExistException")) {
            throw new ShardsException(
                    ShardsException.UNAVAILABLE,
                    "job " + jobId + " has no delivery coordinator (operator uid "
                            + DELIVERY_OPERATOR_UID
                            + "): it runs a job jar from before the shards command, or is not a "
                            + "datahub-fc-sync job; stop it with a savepoint and resume it with this jar");
        }
        JsonNode result = json(response, "the delivery operator's coordinator of job " + jobId);
        JsonNode serialized = result.path(RESPONSE_FIELD);
        if (!serialized.isTextual()) {
            throw new ShardsException(
                    ShardsException.UNAVAILABLE,
                    "the JobManager " + jobManager + " answered the coordinator call for job " + jobId + " without "
                            + RESPONSE_FIELD);
        }
        try {
            return CoordinationWire.read(Base64.getDecoder().decode(serialized.asText()), answer);
        } catch (IOException | IllegalArgumentException e) {
            throw new ShardsException(
                    ShardsException.UNAVAILABLE,
                    "cannot read the answer of job " + jobId + " (a job jar of another version?): " + e.getMessage(),
                    e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws ShardsException {
        try {
            return http.send(request.timeout(requestTimeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("no connection within the connect timeout", e);
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within " + requestTimeout.toSeconds() + " s", e);
        } catch (ConnectException e) {
            throw unreachable("connection refused", e);
        } catch (IOException e) {
            throw unreachable(
                    e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShardsException(ShardsException.UNAVAILABLE, "interrupted while calling " + jobManager, e);
        }
    }

    private ShardsException unreachable(String why, Exception e) {
        return new ShardsException(
                ShardsException.UNAVAILABLE,
                "cannot reach the JobManager at " + jobManager + " (" + why
                        + "): check --jobmanager, the REST address and port of the Flink web UI",
                e);
    }

    /** A 2xx JSON body, or Flink's own error (its first line) as the failure. */
    private JsonNode json(HttpResponse<String> response, String what) throws ShardsException {
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ShardsException(
                    ShardsException.UNAVAILABLE,
                    jobManager + " answered " + what + " with HTTP " + response.statusCode()
                            + " and no JSON: is it a Flink JobManager's REST address?",
                    e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new ShardsException(
                    ShardsException.UNAVAILABLE,
                    "the JobManager at " + jobManager + " refused " + what + " (HTTP " + response.statusCode() + "): "
                            + FlinkErrors.headline(body));
        }
        return body;
    }

    private URI endpoint(String path) {
        String base = jobManager.toString();
        return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
    }

    /** What {@code GET /jobs/<id>} says about the job. */
    record JobSummary(String name, String state) {}
}
